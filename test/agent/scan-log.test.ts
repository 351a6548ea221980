/** The `scan finished` log line: each collector's own findings, and the combined requirement states apart from them. */
import type { Collector } from '../../collectors/types.js';
import { capturedLogger, SyntheticCollector } from '../evidence/helpers.js';
import { Agent } from '../../src/agent/agent.js';
import { bundledMappings } from '../support/evaluate.js';

/** A second collector of the same shape whose security groups are all closed: every finding of its own passes. */
function closedCollector(count: number): Collector {
  const inner = new SyntheticCollector(count);
  inner.openFrom = count;
  return { provider: inner.provider, name: 'synthetic-closed', close: () => inner.close(), collect: (context) => inner.collect(context) };
}

describe('scan finished log', () => {
  it('logs the run’s own findings and the combined state separately', async () => {
    const { logger, records } = capturedLogger();
    const now = (): Date => new Date('2026-11-28T00:00:00Z');
    const open = new SyntheticCollector(10);
    const closed = closedCollector(6);
    const agent = new Agent(bundledMappings(), [open, closed].map((collector) => ({ collector, staleAfterSeconds: 3600 })), { logger, now, apiCalls: { inc: () => undefined } });
    for (const state of agent.collectors) await agent.runCollector(state, new AbortController().signal);
    const finished = records().filter((r) => r['msg'] === 'scan finished');
    expect(finished.map((r) => r['collector'])).toEqual(['synthetic', 'synthetic-closed']);
    const [first, second] = finished as [Record<string, unknown>, Record<string, unknown>];
    // Half of the 10 groups have SSH open: the first run's own failures.
    expect(first['findings']).toMatchObject({ failing: 5, waived: 0 });
    expect((first['findings'] as { failingControls: number }).failingControls).toBeGreaterThan(0);
    // The second run found nothing failing of its own, although the combined state still has non-compliant items.
    expect(second['findings']).toMatchObject({ failing: 0, failingControls: 0 });
    expect((second['findings'] as { checked: number }).checked).toBeGreaterThan(0);
    const combined = second['combined'] as { collectors: number; requirements: Record<string, number> };
    expect(combined.collectors).toBe(2);
    expect(combined.requirements['noncompliant']).toBeGreaterThan(0);
    expect(combined.requirements).toEqual(agent.latest()!.summary);
    // The cumulative figure is named as such, not as the run's own summary.
    expect(second).not.toHaveProperty('summary');
    expect((first['combined'] as { collectors: number }).collectors).toBe(1);
  });
});
