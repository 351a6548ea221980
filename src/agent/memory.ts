/**
 * The agent's heap growth. V8 lets a heap grow up to about four times its live data before a full collection
 * when collections are cheap; a scan allocates a great deal of short-lived data, so a million-resource scan
 * held some 550 MB of heap for about 200 MB live. A long-running agent beside Prometheus values a small,
 * steady footprint over the last percent of scan speed, so the growth factor is bounded (configurable).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's heap growing factor to 1 + percent/100 for every isolate of the process (the engine worker
 * included); V8 reads the flag each time it sizes a heap after a full collection. 0 keeps V8's own choice.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
