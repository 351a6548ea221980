/**
 * `kansa diff` says what is true of a fixed resource: it failed before (for the reason it had then) and
 * passes now; the old failure reason is never shown as if it were the resource's current state (#15).
 */
import { join } from 'node:path';
import { renderDiffText, type SnapshotDiff } from '../../src/evidence/diff.js';
import { capturedLogger, evidenceService, kansa, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from './helpers.js';

interface JsonChange { resourceId: string; before: string; after: string; reason?: string; previousReason?: string; currentReason?: string }

describe('kansa diff wording', () => {
  it('lists a fixed resource as previously failing with its old reason, now passing', async () => {
    const dir = tempDir();
    const clock = steppingClock('2026-11-01T09:30:00Z');
    const { logger } = capturedLogger();
    const { service } = evidenceService(dir, { now: clock.now, logger });
    const collector = new SyntheticCollector(20);
    const agent = syntheticAgent(collector, clock.now, logger);
    const first = await service.snapshot(agent, new AbortController().signal);
    clock.advance(3_600_000);
    collector.openFrom = 10; // sg-000000 … sg-000008 (even) close SSH to the world
    const second = await service.snapshot(agent, new AbortController().signal);
    if (!first.ok || !second.ok) throw new Error('snapshot failed');
    const a = join(dir, first.name);
    const b = join(dir, second.name);

    const json = JSON.parse((await kansa('diff', a, b, '--output', 'json')).stdout) as { fixed: JsonChange[] };
    const fixed = json.fixed.filter((c) => c.resourceId.startsWith('sg-'));
    expect(fixed.map((c) => c.resourceId).sort()).toEqual(['sg-000000', 'sg-000002', 'sg-000004', 'sg-000006', 'sg-000008']);
    for (const c of fixed) {
      expect(c).toMatchObject({ before: 'fail', after: 'pass', previousReason: expect.stringContaining('0.0.0.0/0') as unknown });
      expect(c.reason).toBeUndefined();
    }

    const text = (await kansa('diff', a, b)).stdout;
    expect(text).toContain('resources fixed (failing before, passing now): 5');
    const line = text.split('\n').find((l) => l.includes('sg-000000') && l.includes('(fail → pass)'))!;
    expect(line).toMatch(/\(fail → pass\): previously failing \(.*0\.0\.0\.0\/0.*\); now passing/);
  });

  it('says what a no-longer-failing resource is now, with the later snapshot\'s reason', () => {
    const base = { name: 'x', sequence: 1, startedAt: 't0', finishedAt: 't1', manifestSha256: 'h', catalog: { id: 'c', version: '1' }, mappingsDigest: 'd' };
    const resource = { control: 'ctl', provider: 'aws', account: '111122223333', region: 'ap-northeast-1', resourceType: 'AWS::S3::Bucket' };
    const diff: SnapshotDiff = {
      from: base,
      to: { ...base, name: 'y', sequence: 2 },
      mappingsChanged: false,
      requirements: [],
      controls: [],
      newlyFailing: [{ ...resource, resourceId: 'new', before: 'pass', after: 'fail', reason: 'public now' }],
      fixed: [{ ...resource, resourceId: 'fixed', before: 'fail', after: 'pass', previousReason: 'was public' }],
      noLongerFailing: [{ ...resource, resourceId: 'gone', before: 'fail', after: 'unknown', previousReason: 'was public', currentReason: 'collection failed' }],
    };
    const lines = renderDiffText(diff).split('\n');
    expect(lines).toContain('  ctl  aws/111122223333/ap-northeast-1  AWS::S3::Bucket new  (pass → fail): public now');
    expect(lines).toContain('  ctl  aws/111122223333/ap-northeast-1  AWS::S3::Bucket fixed  (fail → pass): previously failing (was public); now passing');
    expect(lines).toContain('  ctl  aws/111122223333/ap-northeast-1  AWS::S3::Bucket gone  (fail → unknown): previously failing (was public); now unknown (collection failed)');
  });
});
