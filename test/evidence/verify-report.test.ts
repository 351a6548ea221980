/**
 * The text `kansa verify` prints (renderVerifyReport), from hand-written reports: a broken snapshot is
 * never printed as ok, the FAILED line names the first broken one, and the summary says exactly what was
 * checked — an unsigned or partly signed chain is never "signatures intact", a key not pinned says so.
 */
import type { SnapshotSignature } from '../../src/evidence/read.js';
import type { SnapshotVerdict, VerifyReport } from '../../src/evidence/verify.js';
import { renderVerifyReport } from '../../src/evidence/verify.js';

const LOCATION = '/var/lib/kansa/evidence';
const valid = (keyId: string, pinned: boolean): SnapshotSignature => ({ state: 'valid', keyId, pinned });
const snapshot = (name: string, sequence: number | undefined, extra: Partial<SnapshotVerdict> = {}): SnapshotVerdict => ({ name, kind: 'snapshot', ...(sequence === undefined ? {} : { sequence }), problems: [], ...extra });
const report = (snapshots: SnapshotVerdict[], extra: Partial<VerifyReport> = {}): VerifyReport => ({ ok: true, location: LOCATION, snapshots, notes: [], problems: [], ...extra });
const lines = (r: VerifyReport): string[] => {
  const text = renderVerifyReport(r);
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
};

describe('renderVerifyReport', () => {
  it('prints every snapshot ok with its sequence and pinned key, and a summary counting snapshots and pruned manifests', () => {
    const r = report([
      { name: 'a', kind: 'pruned', sequence: 1, signature: valid('k1', true), problems: [] },
      snapshot('b', 2, { signature: valid('k1', true) }),
      snapshot('c', 3, { signature: valid('k1', true) }),
    ]);
    expect(lines(r)).toEqual([
      'ok     a (pruned)  seq 1 signed k1',
      'ok     b  seq 2 signed k1',
      'ok     c  seq 3 signed k1',
      `verified: 2 snapshots and 1 pruned manifest in ${LOCATION}: files, chain and signatures intact`,
    ]);
  });

  it('says when the key was not pinned, and uses the singular for one snapshot and no pruned manifest', () => {
    expect(lines(report([snapshot('a', 1, { signature: valid('k1', false) })]))).toEqual([
      'ok     a  seq 1 signed k1 (key not pinned: use --public-key)',
      `verified: 1 snapshot and 0 pruned manifests in ${LOCATION}: files, chain and signatures intact`,
    ]);
  });

  it('never says "signatures intact" for an unsigned chain, nor for one only partly signed', () => {
    const unsigned = report([snapshot('a', 1, { signature: { state: 'unsigned' } }), snapshot('b', 2)]);
    expect(lines(unsigned)).toEqual(['ok     a  seq 1 unsigned', 'ok     b  seq 2', `verified: 2 snapshots and 0 pruned manifests in ${LOCATION}: files and chain intact; no snapshot is signed`]);
    const partly = report([snapshot('a', 1, { signature: { state: 'unsigned' } }), snapshot('b', 2, { signature: valid('k2', true) })]);
    expect(lines(partly).at(-1)).toBe(`verified: 2 snapshots and 0 pruned manifests in ${LOCATION}: files and chain intact; 1 of 2 signed, their signatures intact`);
  });

  it('prints a broken snapshot as BROKEN with each of its problems, unreadable sequences as "seq ?", then store problems and notes, and FAILED naming the first broken', () => {
    const r = report(
      [
        snapshot('a', 1, { signature: { state: 'unsigned' } }),
        snapshot('b', undefined, { problems: ['manifest.json: not valid JSON'] }),
        snapshot('c', 3, { signature: { state: 'invalid', detail: 'bad signature' }, problems: ['signature: bad signature', 'links to sequence 1, expected 2'] }),
      ],
      { ok: false, problems: ['ledger.jsonl line 2: not a ledger entry'], notes: ['x.tmp: an interrupted write'], firstBroken: { name: 'b', reason: 'manifest.json: not valid JSON' } },
    );
    expect(lines(r)).toEqual([
      'ok     a  seq 1 unsigned',
      'BROKEN b  seq ?',
      '         manifest.json: not valid JSON',
      'BROKEN c  seq 3',
      '         signature: bad signature',
      '         links to sequence 1, expected 2',
      'BROKEN ledger.jsonl line 2: not a ledger entry',
      'note   x.tmp: an interrupted write',
      'FAILED: first broken: b: manifest.json: not valid JSON',
    ]);
  });

  it('fails an empty store on its store-level problem, with no snapshot line', () => {
    const r = report([], { ok: false, problems: [`no snapshots in ${LOCATION}`], firstBroken: { name: LOCATION, reason: `no snapshots in ${LOCATION}` } });
    expect(lines(r)).toEqual([`BROKEN no snapshots in ${LOCATION}`, `FAILED: first broken: ${LOCATION}: no snapshots in ${LOCATION}`]);
  });
});
