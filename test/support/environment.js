// jest testEnvironment: Node's, plus a last sweep of the test file's temporary directories (test/support/temp.ts)
// when its afterAll did not run (every test skipped or filtered out by -t).
import { rmSync } from 'node:fs';
import { TestEnvironment } from 'jest-environment-node';

export default class KansaTestEnvironment extends TestEnvironment {
  async teardown() {
    const dirs = this.global.__kansaTempDirs;
    if (Array.isArray(dirs)) for (const dir of dirs.splice(0).reverse()) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    await super.teardown();
  }
}
