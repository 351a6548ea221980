// @ts-check
/**
 * `npm run mutate` (#19, "tests that can fail"): Stryker mutation testing of kansa's core, one module at a
 * time. Each module is mutated against only the test files written for it: Stryker restarts jest and reloads
 * every ESM module for each mutant, so the whole suite (or even every test that imports the module, which
 * for src/evaluate is most of it) would take hours a run on a 2-core machine. `npm run mutate` runs every
 * module in turn (`KANSA_MUTATE=metrics npm run mutate`: one); it fails when a module scores under the break
 * threshold. Results are kept per module in reports/mutation/<module>.incremental.json (committed): the next
 * run re-tests only the mutants whose code or covering tests changed. See README.md, "Mutation testing".
 */

/**
 * `ignoreStatic`: where static mutants are many (the message tables of src/evaluate/messages.ts, the zod
 * schemas of src/mappings/schemas.ts) each would reload the module and re-run every test of the module;
 * they are left out there and counted as "ignored" in the report. Elsewhere they are tested.
 * @type {Record<string, { mutate: string[]; tests: string[]; ignoreStatic: boolean }>}
 */
const MODULES = {
  evaluate: {
    mutate: ['src/evaluate/**/*.ts'],
    tests: ['test/evaluate/*.test.ts'],
    ignoreStatic: true,
  },
  metrics: {
    mutate: ['src/metrics/**/*.ts'],
    // Not agent-metrics.test.ts: it reads the same gauges through a sandbox collection (about 30 s a mutant here).
    tests: ['test/metrics/gauges.test.ts', 'test/metrics/coverage.test.ts', 'test/metrics/control-requirement.test.ts'],
    ignoreStatic: false,
  },
  mappings: {
    mutate: ['src/mappings/**/*.ts'],
    // exceptions.test.ts: the exceptions files' own refusals (and their evaluation) are tested there.
    tests: ['test/mappings/*.test.ts', 'test/evaluate/exceptions.test.ts'],
    ignoreStatic: true,
  },
  verify: {
    mutate: ['src/evidence/verify.ts'],
    tests: ['test/evidence/verify-report.test.ts', 'test/evidence/verify-links.test.ts', 'test/evidence/tamper.test.ts', 'test/evidence/chain-anchors.test.ts', 'test/evidence/verify-problems.test.ts'],
    ignoreStatic: false,
  },
};

const name = process.env.KANSA_MUTATE ?? '';
const module = MODULES[name];
if (!module) throw new Error(`KANSA_MUTATE must name one module (${Object.keys(MODULES).join(', ')}), not "${name}": run \`npm run mutate\``);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: module.mutate,
  testRunner: 'jest',
  // The project's jest runs native ESM (package.json "jest" script).
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  coverageAnalysis: 'perTest',
  ignoreStatic: module.ignoreStatic,
  jest: {
    configFile: 'jest.config.js',
    enableFindRelatedTests: true,
    config: {
      testMatch: module.tests.map((glob) => `<rootDir>/${glob}`),
      // Stryker wraps the environment and resolves it from the project root itself (no <rootDir> there).
      testEnvironment: './test/support/environment.js',
      globalSetup: '<rootDir>/test/support/mutate-global-setup.js',
    },
  },
  // The machine is shared: two test runner processes at most.
  concurrency: 2,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  thresholds: { high: 80, low: 60, break: 50 },
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  timeoutMS: 20000,
  dryRunTimeoutMinutes: 20,
};
