#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/src/cli/main.js';

// `kansa … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await main(process.argv.slice(2));
// `kansa run` has stopped everything and flushed its logs. Leaving at once matters: when Node instead lets the event
// loop drain, its teardown gives SIGINT back to the default handler for ~100 ms before the process ends, and a Ctrl-C
// pressed then killed the stopped agent with exit 130 (test/cli/run-output.test.ts presses it throughout that window).
if (process.argv[2] === 'run') process.exit(code);
process.exitCode = code;
