// jest globalSetup: the build is current, and the run has its own temporary directory.
import buildIsCurrent from './build-is-current.js';
import { startTempRun } from './temp-run.js';

export default function globalSetup() {
  buildIsCurrent();
  startTempRun();
}
