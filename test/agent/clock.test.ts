import { ClockEstimator } from '../../src/agent/clock.js';

describe('clock offset estimate', () => {
  it('trusts the fastest round trips', () => {
    const clock = new ClockEstimator();
    expect(clock.estimate()).toBeUndefined();
    for (let i = 0; i < 12; i++) clock.add({ offsetSeconds: 5 + i, roundTripSeconds: 1 + i }); // slow, skewed samples
    for (let i = 0; i < 4; i++) clock.add({ offsetSeconds: 0.2 + i * 0.1, roundTripSeconds: 0.01 });
    expect(clock.estimate()).toBeCloseTo(0.35, 5);
  });
});
