// jest globalSetup under `npm run mutate` (stryker.config.json). Stryker runs the suites in its sandbox
// copy, where the instrumented TypeScript is always newer than the copied dist/: the build check of
// global-setup.js would refuse every run there, and it does not apply — the mutants live in the
// TypeScript the tests import in-process, never in dist/. The run still gets its own temporary directory.
import { startTempRun } from './temp-run.js';

export default function mutateGlobalSetup() {
  startTempRun();
}
