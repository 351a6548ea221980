// jest globalTeardown: fails the run if it left `kansa-*` temporary directories behind (see temp-run.js).
import { finishTempRun } from './temp-run.js';

export default function globalTeardown() {
  finishTempRun();
}
