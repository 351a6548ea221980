// jest setupFilesAfterEnv: after each test file, remove the temporary directories it made (test/support/temp.ts).
import { removeTempDirs } from './temp.js';

afterAll(removeTempDirs);
