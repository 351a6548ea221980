/**
 * Estimates the offset between the local clock and a provider's clock from response Date headers.
 * Samples with the smallest round trip bound the offset best; the header's one-second resolution
 * limits accuracy to about ±0.5 s, enough to detect a clock that is not synchronised.
 */
export interface ClockSample {
  readonly offsetSeconds: number;
  readonly roundTripSeconds: number;
}

const MAX_SAMPLES = 256;

export class ClockEstimator {
  private samples: ClockSample[] = [];

  add(sample: ClockSample): void {
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) {
      this.samples.sort((a, b) => a.roundTripSeconds - b.roundTripSeconds);
      this.samples.length = MAX_SAMPLES / 2;
    }
  }

  /** Median offset of the fastest quarter of samples (at least one), or undefined without samples. */
  estimate(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const fastest = [...this.samples].sort((a, b) => a.roundTripSeconds - b.roundTripSeconds).slice(0, Math.max(1, Math.ceil(this.samples.length / 4)));
    const offsets = fastest.map((s) => s.offsetSeconds).sort((a, b) => a - b);
    const mid = offsets.length >> 1;
    return offsets.length % 2 === 1 ? offsets[mid]! : (offsets[mid - 1]! + offsets[mid]!) / 2;
  }
}
