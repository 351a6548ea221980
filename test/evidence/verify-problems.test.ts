/**
 * What `kansa verify` says when something is wrong (#19: the failure cases its mutation run left
 * untested): the exact problem and note texts, the snapshot named first broken, and the chain order of
 * the report, for broken snapshot directories, a damaged pruned ledger, broken links, and the Object Lock
 * expiry rules of a versioned store (S3) — a chain start removed after its COMPLIANCE lock ended is a
 * note, a removal that could have been early (GOVERNANCE, no lock, a version still locked) is a problem.
 */
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LEDGER_FILE, MANIFEST_FILE, SIGNATURE_FILE, ledgerEntryDigest, sha256Hex } from '../../src/evidence/format.js';
import { LocalEvidenceStore, type StoredVersion } from '../../src/evidence/store.js';
import { verifySnapshot, verifyStore, type VerifyReport } from '../../src/evidence/verify.js';
import { tempDir, writeChain } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** verify's clock: after the chains were written (2026-11-02) and before the wall clock, which verify must not read. */
const NOW = new Date('2026-11-20T00:00:00Z');
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

type Chain = Awaited<ReturnType<typeof writeChain>>;

/** Tests change their chain: each gets its own copy of one written once. */
function copyOf(chain: Chain): { dir: string; n: readonly string[] } {
  const dir = tempDir();
  cpSync(chain.dir, dir, { recursive: true });
  return { dir, n: chain.names };
}

interface ManifestJson {
  name: string;
  sequence: number;
  files: { path: string; sha256: string; bytes: number }[];
  previous: { name: string; sequence: number; sha256: string } | null;
  summary: Record<string, number>;
}
function editManifest(dir: string, name: string, edit: (manifest: ManifestJson) => ManifestJson): void {
  const path = join(dir, name, MANIFEST_FILE);
  writeFileSync(path, `${JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as ManifestJson), null, 2)}\n`);
}
const manifestSha = (dir: string, name: string): string => sha256Hex(readFileSync(join(dir, name, MANIFEST_FILE)));

interface LedgerLine {
  name: string;
  sequence: number;
  manifestSha256: string;
  manifest: string;
  signature: string | null;
  prunedAt: string;
  entrySha256: string;
}
const ledgerLines = (dir: string): LedgerLine[] =>
  readFileSync(join(dir, LEDGER_FILE), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LedgerLine);
const writeLedger = (dir: string, lines: readonly (LedgerLine | string)[]): void => writeFileSync(join(dir, LEDGER_FILE), lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join(''));
/** A changed ledger entry with a consistent entrySha256: only the deeper checks can catch it. */
function resealed(entry: LedgerLine, change: Partial<LedgerLine>): LedgerLine {
  const fields = { ...entry, ...change };
  return { ...fields, entrySha256: ledgerEntryDigest(fields) };
}
/** The ledger line a prune appends for a snapshot (retention.ts), written by hand. */
function ledgerLineFor(dir: string, name: string): LedgerLine {
  const bytes = readFileSync(join(dir, name, MANIFEST_FILE));
  const manifest = JSON.parse(bytes.toString('utf8')) as ManifestJson;
  const fields = { name, sequence: manifest.sequence, manifestSha256: sha256Hex(bytes), manifest: bytes.toString('base64'), signature: null, prunedAt: '2026-11-03T00:00:00.000Z' };
  return { ...fields, entrySha256: ledgerEntryDigest(fields) };
}

const verify = (dir: string): Promise<VerifyReport> => verifyStore(new LocalEvidenceStore(dir), { now: NOW });
const chainOf = (report: VerifyReport): [string, string, number | undefined][] => report.snapshots.map((s) => [s.name, s.kind, s.sequence]);
const problemsOf = (report: VerifyReport, name: string): readonly string[] | undefined => report.snapshots.find((s) => s.name === name)?.problems;

// --- Object Lock: versions as the S3 store lists them (s3-store.ts storedVersions) ---

interface Lock {
  readonly mode?: 'COMPLIANCE' | 'GOVERNANCE';
  readonly until?: Date;
}
const LOCKED: Lock = { mode: 'COMPLIANCE', until: at(400 * DAY) };
const ENDED: Lock = { mode: 'COMPLIANCE', until: at(-10 * MINUTE) };
const lockedUntil = (until: Date): Lock => ({ mode: 'COMPLIANCE', until });
const WRITTEN = new Date('2026-11-02T00:15:00Z');
let versionIds = 0;

function version(file: string, lock: Lock): StoredVersion {
  return { file, versionId: `v${++versionIds}`, deleteMarker: false, lastModified: WRITTEN, ...(lock.mode ? { lockMode: lock.mode } : {}), ...(lock.until ? { retainUntil: lock.until } : {}) };
}
/** Delete markers carry no lock of their own. */
function deleteMarker(file: string): StoredVersion {
  return { file, versionId: `d${++versionIds}`, deleteMarker: true, lastModified: NOW };
}
/** A snapshot's listing: delete markers first (over the `gone` files), then one version of every file. */
function listing(files: readonly string[], lock: Lock, locks: Readonly<Record<string, Lock>> = {}, gone: readonly string[] = []): StoredVersion[] {
  return [...gone.map(deleteMarker), ...files.map((file) => version(file, locks[file] ?? lock))];
}

/** The local store, plus the stored versions an S3 bucket with Object Lock would report. */
class VersionedStore extends LocalEvidenceStore {
  constructor(
    dir: string,
    private readonly versionsOf: (snapshot: string) => readonly StoredVersion[],
  ) {
    super(dir);
  }
  storedVersions(snapshot: string): Promise<readonly StoredVersion[]> {
    return Promise.resolve().then(() => this.versionsOf(snapshot));
  }
}
const versionsBy =
  (bySnapshot: Readonly<Record<string, readonly StoredVersion[]>>) =>
  (snapshot: string): readonly StoredVersion[] =>
    bySnapshot[snapshot] ?? [];
const denied = (): never => {
  throw new Error('AccessDenied: s3:ListBucketVersions');
};

const predecessorNote = (gone: string, from: string): string =>
  `${gone} (sequence 1) and older snapshots are gone after their Object Lock ended (the chain is written under COMPLIANCE lock, which cannot be cut short): the chain is verified from ${from}`;
const filesNote = (name: string, files: string): string =>
  `${name}: ${files} expired after their Object Lock ended (lifecycle expiry is rounded to midnight UTC, so this snapshot expires over two days); its manifest, chain link and remaining files verify`;

let unsigned3: Chain;
let signed2: Chain;
let pruned4: Chain;
/** Every file of an unsigned snapshot, and of a signed one. */
let FILES: string[];
let SIGNED_FILES: string[];

beforeAll(async () => {
  unsigned3 = await writeChain(3);
  signed2 = await writeChain(2, { signed: true });
  // Retention keeps two hourly snapshots: the first two go into the ledger.
  pruned4 = await writeChain(4, { keepHourly: 2 });
  FILES = readdirSync(join(unsigned3.dir, unsigned3.names[0]!)).sort();
  SIGNED_FILES = readdirSync(join(signed2.dir, signed2.names[0]!)).sort();
  expect(FILES).toEqual(['assessment.json', 'attestations.json', 'exceptions.json', 'findings.jsonl.gz', 'inventory.jsonl.gz', MANIFEST_FILE]);
  expect(SIGNED_FILES).toEqual([...FILES, SIGNATURE_FILE]);
});

describe('one snapshot', () => {
  it('verifySnapshot reports a snapshot on its own, then a file of another size, then one of the same size with other bytes', async () => {
    const { dir, n } = copyOf(unsigned3);
    const store = new LocalEvidenceStore(dir);
    const startedAt = (JSON.parse(readFileSync(join(dir, n[1]!, MANIFEST_FILE), 'utf8')) as { startedAt: string }).startedAt;
    expect(await verifySnapshot(store, n[1]!)).toEqual({ name: n[1], kind: 'snapshot', sequence: 2, manifestSha256: manifestSha(dir, n[1]!), startedAt, signature: { state: 'unsigned' }, problems: [] });

    const path = join(dir, n[1]!, 'assessment.json');
    const original = readFileSync(path);
    appendFileSync(path, ' ');
    expect((await verifySnapshot(store, n[1]!)).problems).toEqual([`assessment.json: ${original.length + 1} bytes, the manifest says ${original.length}`]);
    const changed = Buffer.from(original);
    changed[0] = changed[0]! ^ 0x01;
    writeFileSync(path, changed);
    expect((await verifySnapshot(store, n[1]!)).problems).toEqual([`assessment.json: sha256 ${sha256Hex(changed)} does not match the manifest (${sha256Hex(original)})`]);
  });

  it('names entries that are not part of a snapshot exactly as stored, directories without their listing mark', async () => {
    const { dir, n } = copyOf(unsigned3);
    mkdirSync(join(dir, n[2]!, 'attachments'));
    writeFileSync(join(dir, n[2]!, 'notes!.txt'), 'x');
    expect((await verifySnapshot(new LocalEvidenceStore(dir), n[2]!)).problems).toEqual(['unexpected entries: attachments, notes!.txt']);
  });

  it('reports a manifest that leaves required files out of its list', async () => {
    const { dir, n } = copyOf(unsigned3);
    editManifest(dir, n[2]!, (m) => ({ ...m, files: m.files.filter((f) => f.path !== 'assessment.json' && f.path !== 'findings.jsonl.gz') }));
    expect((await verifySnapshot(new LocalEvidenceStore(dir), n[2]!)).problems).toEqual([
      'the manifest does not list assessment.json, findings.jsonl.gz',
      'unexpected entries: assessment.json, findings.jsonl.gz',
    ]);
  });

  it('reports a file that cannot be read, with the reason, rather than failing the whole run', async () => {
    const { dir, n } = copyOf(unsigned3);
    class FailingDisk extends LocalEvidenceStore {
      override openRead(snapshot: string, file: string): Readable {
        if (file !== 'findings.jsonl.gz') return super.openRead(snapshot, file);
        return new Readable({
          read() {
            this.destroy(new Error('EIO: i/o error, read'));
          },
        });
      }
    }
    expect((await verifySnapshot(new FailingDisk(dir), n[0]!)).problems).toEqual(['findings.jsonl.gz: unreadable (EIO: i/o error, read)']);
  });

  it('places snapshots without a readable manifest after the one before them by name, and names the first as broken', async () => {
    const { dir, n } = copyOf(unsigned3);
    // Names between the chain's (00:15, 01:15, 02:15): an empty directory, a manifest that is not JSON, a plain file.
    const empty = '20261102T003000Z-0000000a';
    const garbled = '20261102T013000Z-0000000b';
    const notADirectory = '20261102T023000Z-0000000c';
    mkdirSync(join(dir, empty));
    mkdirSync(join(dir, garbled));
    writeFileSync(join(dir, garbled, MANIFEST_FILE), 'not json');
    writeFileSync(join(dir, notADirectory), 'x');
    const report = await verify(dir);
    expect(chainOf(report)).toEqual([
      [n[0], 'snapshot', 1],
      [empty, 'snapshot', undefined],
      [n[1], 'snapshot', 2],
      [garbled, 'snapshot', undefined],
      [n[2], 'snapshot', 3],
      [notADirectory, 'snapshot', undefined],
    ]);
    expect(report.firstBroken).toEqual({ name: empty, reason: `no ${MANIFEST_FILE}: not a complete snapshot` });
    expect(problemsOf(report, garbled)).toEqual([expect.stringMatching(/^manifest is not JSON \(.+\)$/)]);
    expect(problemsOf(report, notADirectory)).toEqual([expect.stringMatching(/^cannot list the directory \(ENOTDIR: .+\)$/)]);
    expect([n[0], n[1], n[2]].map((name) => problemsOf(report, name!))).toEqual([[], [], []]);
  });
});

describe('the store', () => {
  it('fails an empty store, naming the store', async () => {
    const dir = tempDir();
    const report = await verify(dir);
    expect(report).toEqual({ ok: false, location: dir, snapshots: [], notes: [], problems: [`no snapshots in ${dir}`], firstBroken: { name: dir, reason: `no snapshots in ${dir}` } });
  });

  it('notes interrupted writes and foreign entries without failing', async () => {
    const { dir, n } = copyOf(unsigned3);
    mkdirSync(join(dir, `.tmp-${n[2]}-4242`));
    writeFileSync(join(dir, 'README.txt'), 'x');
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([`.tmp-${n[2]}-4242: an interrupted write or deletion, not a snapshot (ignored; the next snapshot removes it)`, 'README.txt: not part of the evidence format (ignored)']);
  });

  it('fails on a ledger it cannot read, naming the store, and reads nothing into it', async () => {
    const { dir } = copyOf(unsigned3);
    mkdirSync(join(dir, LEDGER_FILE));
    const report = await verify(dir);
    expect(report.problems).toEqual([expect.stringMatching(/^pruned\.jsonl: unreadable \(EISDIR: .+\)$/)]);
    expect(report.notes).toEqual([]);
    expect(report.firstBroken).toEqual({ name: dir, reason: report.problems[0] });
  });
});

describe('the pruned ledger', () => {
  it('verifies an unsigned chain whose first snapshots were pruned, in chain order, with nothing to note', async () => {
    const { dir, n } = copyOf(pruned4);
    const report = await verify(dir);
    expect(report).toMatchObject({ ok: true, notes: [], problems: [] });
    expect(chainOf(report)).toEqual([
      [n[0], 'pruned', 1],
      [n[1], 'pruned', 2],
      [n[2], 'snapshot', 3],
      [n[3], 'snapshot', 4],
    ]);
  });

  it('notes a torn last line (an interrupted prune) and ignores it', async () => {
    const { dir } = copyOf(pruned4);
    appendFileSync(join(dir, LEDGER_FILE), '{"name":"2026110');
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual(['pruned.jsonl: the last line is incomplete (an interrupted prune; its snapshot was not deleted) and is ignored']);
  });

  it('names the ledger line that is not an entry, and the snapshot whose predecessor it was', async () => {
    const { dir, n } = copyOf(pruned4);
    const [first] = ledgerLines(dir);
    writeLedger(dir, [first!, 'not json']);
    const report = await verify(dir);
    expect(report.problems).toEqual([expect.stringMatching(/^pruned\.jsonl line 2: not a ledger entry \(not JSON: Unexpected token .+\)$/)]);
    expect(report.firstBroken).toEqual({ name: n[2], reason: `the snapshot before it (${n[1]}, sequence 2) is missing and not recorded in pruned.jsonl` });
    // JSON, but not an entry: the first wrong field, on one line (the report prints one line per problem).
    writeLedger(dir, [first!, '{"name":"not a snapshot"}']);
    const [problem] = (await verify(dir)).problems;
    expect(problem).toMatch(/^pruned\.jsonl line 2: not a ledger entry \(name: Invalid string[^\n]+\)$/);
  });

  it('catches a ledger entry changed without its digest, one whose manifest digest is wrong, and a manifest that does not parse', async () => {
    const { dir, n } = copyOf(pruned4);
    const [first, second] = ledgerLines(dir);
    writeLedger(dir, [{ ...first!, prunedAt: '2026-11-02T05:00:00.000Z' }, second!]);
    let report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: `${n[0]} (pruned)`, reason: 'pruned.jsonl line 1: the entry does not hash to its entrySha256 (the line was changed)' });
    expect(problemsOf(report, n[0]!)).toHaveLength(1);

    const wrong = 'f'.repeat(64);
    writeLedger(dir, [first!, resealed(second!, { manifestSha256: wrong })]);
    report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: `${n[1]} (pruned)`, reason: `pruned.jsonl line 2: the recorded manifest does not hash to ${wrong}` });

    const garbage = Buffer.from('not json');
    writeLedger(dir, [first!, resealed(second!, { manifest: garbage.toString('base64'), manifestSha256: sha256Hex(garbage) })]);
    report = await verify(dir);
    expect(report.problems).toEqual([expect.stringMatching(new RegExp(`^pruned\\.jsonl line 2 \\(${n[1]}\\): manifest is not JSON \\(.+\\)$`))]);
  });

  it("catches an entry whose name or sequence differ from its manifest's, even with a consistent digest", async () => {
    const { dir, n } = copyOf(pruned4);
    const [first, second] = ledgerLines(dir);
    writeLedger(dir, [first!, resealed(second!, { sequence: 7 })]);
    let report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: `${n[1]} (pruned)`, reason: "pruned.jsonl line 2: the entry's name or sequence differ from its manifest" });

    // Renamed: the next snapshot's link names the real one, and it is vouched for by the one after.
    const alias = '20261101T000000Z-0badc0de';
    writeLedger(dir, [resealed(first!, { name: alias }), second!]);
    report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: `${alias} (pruned)`, reason: "pruned.jsonl line 1: the entry's name or sequence differ from its manifest" });
    expect(problemsOf(report, alias)).toEqual([
      "pruned.jsonl line 1: the entry's name or sequence differ from its manifest",
      `its manifest was changed: ${n[1]} links to ${n[0]} with sha256 ${first!.manifestSha256}, and ${n[1]} is itself vouched for by the next snapshot`,
    ]);
  });

  it('accepts an entry appended twice (a prune redone), but still reports a changed copy next to an intact one', async () => {
    const { dir, n } = copyOf(pruned4);
    const [first, second] = ledgerLines(dir);
    writeLedger(dir, [first!, second!, second!]);
    const redone = await verify(dir);
    expect(redone).toMatchObject({ ok: true, notes: [], problems: [] });
    expect(chainOf(redone)).toEqual(chainOf(await verify(copyOf(pruned4).dir)));

    writeLedger(dir, [first!, { ...second!, prunedAt: '2026-11-02T05:00:00.000Z' }, second!]);
    const changed = await verify(dir);
    expect(changed.ok).toBe(false);
    const copies = changed.snapshots.filter((s) => s.name === n[1]).map((s) => s.problems);
    expect(copies).toHaveLength(2);
    expect(copies).toContainEqual([]);
    expect(copies).toContainEqual(['pruned.jsonl line 2: the entry does not hash to its entrySha256 (the line was changed)']);
  });

  it('notes a snapshot recorded in the ledger but not deleted (an interrupted prune), listing it once', async () => {
    const { dir, n } = copyOf(unsigned3);
    writeLedger(dir, [ledgerLineFor(dir, n[0]!)]);
    const report = await verify(dir);
    expect(report).toMatchObject({ ok: true, problems: [], notes: [`${n[0]}: recorded in pruned.jsonl but not deleted (an interrupted prune; the next one finishes it)`] });
    expect(chainOf(report)).toEqual([
      [n[0], 'snapshot', 1],
      [n[1], 'snapshot', 2],
      [n[2], 'snapshot', 3],
    ]);
  });

  it('fails a chain whose newest snapshot is only in the ledger', async () => {
    const { dir, n } = copyOf(pruned4);
    rmSync(join(dir, n[2]!), { recursive: true });
    rmSync(join(dir, n[3]!), { recursive: true });
    const report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: `${n[1]} (pruned)`, reason: 'the newest snapshot of the chain was pruned (retention never does that)' });
    expect(report.problems).toEqual([`no snapshots in ${dir}`]);
  });
});

describe('chain links', () => {
  it('fails a first snapshot that links to a previous one, and a later one with no link', async () => {
    const { dir, n } = copyOf(unsigned3);
    rmSync(join(dir, n[1]!), { recursive: true });
    rmSync(join(dir, n[2]!), { recursive: true });
    editManifest(dir, n[0]!, (m) => ({ ...m, previous: { name: '20261101T000000Z-0badc0de', sequence: 1, sha256: 'a'.repeat(64) } }));
    expect((await verify(dir)).firstBroken).toEqual({ name: n[0], reason: 'the first snapshot of the chain links to a previous one' });

    const second = copyOf(unsigned3);
    rmSync(join(second.dir, n[2]!), { recursive: true });
    editManifest(second.dir, n[1]!, (m) => ({ ...m, previous: null }));
    const report = await verify(second.dir);
    expect(report.firstBroken).toEqual({ name: n[1], reason: 'sequence 2 has no link to the snapshot before it' });
    expect(problemsOf(report, n[1]!)).toHaveLength(1);
  });

  it('with no later snapshot to vouch for the link, names the snapshot whose link no longer matches', async () => {
    const { dir, n } = copyOf(unsigned3);
    rmSync(join(dir, n[2]!), { recursive: true });
    editManifest(dir, n[0]!, (m) => ({ ...m, summary: { ...m.summary, compliant: (m.summary['compliant'] ?? 0) + 1 } }));
    const report = await verify(dir);
    expect(report.firstBroken).toEqual({ name: n[1], reason: `its link to ${n[0]} does not match that manifest's sha256 (${manifestSha(dir, n[0]!)}): the previous manifest was changed` });
    expect(problemsOf(report, n[0]!)).toEqual([]);
  });

  it('orders the chain by sequence, not by name, when the clock stepped back between snapshots', async () => {
    // 00:15, 01:15, then 00:45: the third snapshot's name sorts before the second's.
    const { dir, names } = await writeChain(3, { stepsMs: [HOUR, -30 * MINUTE] });
    expect([...names].sort()).toEqual([names[0], names[2], names[1]]);
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(chainOf(report)).toEqual([
      [names[0], 'snapshot', 1],
      [names[1], 'snapshot', 2],
      [names[2], 'snapshot', 3],
    ]);
  });

  it('lists the two claimants of a forked first sequence by name, and accepts the successor that links to one of them', async () => {
    const { dir, n } = copyOf(unsigned3);
    rmSync(join(dir, n[2]!), { recursive: true });
    const twin = n[0]!.replace(/-[0-9a-f]{8}$/, n[0]!.endsWith('-0000f0f0') ? '-0000f0f1' : '-0000f0f0');
    cpSync(join(dir, n[0]!), join(dir, twin), { recursive: true });
    editManifest(dir, twin, (m) => ({ ...m, name: twin }));
    const report = await verify(dir);
    const claimants = [n[0]!, twin].sort();
    expect(report.snapshots.map((s) => s.name)).toEqual([...claimants, n[1]]);
    expect(problemsOf(report, n[1]!)).toEqual([]);
    for (const name of claimants) expect(problemsOf(report, name)).toEqual([expect.stringMatching(/^sequence 1 is claimed by .* \(the chain forks\)$/)]);
  });
});

describe('Object Lock: a chain start removed after its lock ended', () => {
  /** Three unsigned snapshots, the first one gone from the store. */
  function firstGone(): { dir: string; n: readonly string[] } {
    const chain = copyOf(unsigned3);
    rmSync(join(chain.dir, chain.n[0]!), { recursive: true });
    return chain;
  }

  it('is a note when the snapshot was written under COMPLIANCE and no version of its predecessor is still locked (5 minutes of clock margin)', async () => {
    const { dir, n } = firstGone();
    const cases: [string, StoredVersion[]][] = [
      ['lock ended 10 minutes ago', listing(FILES, ENDED, {}, FILES)],
      ['lock ended exactly the margin ago', listing(FILES, { mode: 'COMPLIANCE', until: at(-5 * MINUTE) }, {}, FILES)],
      ['nothing left', []],
      ['delete markers and unlocked versions only', listing(FILES, {}, {}, FILES)],
    ];
    for (const [label, predecessor] of cases) {
      const store = new VersionedStore(dir, versionsBy({ [n[0]!]: predecessor, [n[1]!]: listing(FILES, LOCKED), [n[2]!]: listing(FILES, LOCKED) }));
      const report = await verifyStore(store, { now: NOW });
      expect({ label, ok: report.ok, notes: report.notes, problems: report.snapshots.map((s) => s.problems) }).toEqual({ label, ok: true, notes: [predecessorNote(n[0]!, n[1]!)], problems: [[], []] });
    }
  });

  it('is a problem while a version of the predecessor is still locked (hidden by a delete marker), within the clock margin too', async () => {
    const { dir, n } = firstGone();
    const cases: [Date[], string][] = [
      [[at(MINUTE)], `1 of its objects are still stored under Object Lock until ${at(MINUTE).toISOString()}`],
      [[at(-MINUTE)], `1 of its objects are still stored under Object Lock until ${at(-MINUTE).toISOString()}`],
      [[at(2 * HOUR), at(MINUTE)], `2 of its objects are still stored under Object Lock until ${at(2 * HOUR).toISOString()}`],
    ];
    for (const [untils, detail] of cases) {
      const locks = Object.fromEntries(untils.map((until, i) => [FILES[FILES.length - 1 - i]!, lockedUntil(until)]));
      const store = new VersionedStore(dir, versionsBy({ [n[0]!]: listing(FILES, ENDED, locks, FILES), [n[1]!]: listing(FILES, LOCKED) }));
      const report = await verifyStore(store, { now: NOW });
      expect({ notes: report.notes, firstBroken: report.firstBroken }).toEqual({ notes: [], firstBroken: { name: n[1], reason: `the snapshot before it (${n[0]}, sequence 1) is missing: ${detail}, hidden by delete markers` } });
    }
  });

  it("is a problem naming the lock when the snapshot's manifest was first written under GOVERNANCE or no lock, whatever its data files' lock", async () => {
    const { dir, n } = firstGone();
    const cases: [string, StoredVersion[]][] = [
      ['GOVERNANCE', listing(FILES, { mode: 'GOVERNANCE', until: at(DAY) })],
      ['no', listing(FILES, {})],
      ['GOVERNANCE', listing(FILES, LOCKED, { [MANIFEST_FILE]: { mode: 'GOVERNANCE', until: at(DAY) } })],
    ];
    for (const [mode, own] of cases) {
      const store = new VersionedStore(dir, versionsBy({ [n[0]!]: [], [n[1]!]: own }));
      const report = await verifyStore(store, { now: NOW });
      expect(report.firstBroken).toEqual({
        name: n[1],
        reason: `the snapshot before it (${n[0]}, sequence 1) is missing; this snapshot was written under ${mode} Object Lock, not COMPLIANCE, so the removal cannot be told from an early deletion`,
      });
    }
  });

  it('is a problem when the stored versions cannot be read', async () => {
    const { dir, n } = firstGone();
    const report = await verifyStore(new VersionedStore(dir, denied), { now: NOW });
    expect(report.firstBroken).toEqual({ name: n[1], reason: `the snapshot before it (${n[0]}, sequence 1) is missing, and the stored versions cannot be read to tell expiry from deletion (AccessDenied: s3:ListBucketVersions)` });
  });

  it('is a plain gap in a store that keeps no versions, in the middle of a chain, and before the oldest ledger entry', async () => {
    const everythingExpired = (): StoredVersion[] => listing(FILES, ENDED, {}, FILES);
    const local = firstGone();
    expect((await verify(local.dir)).firstBroken).toEqual({ name: local.n[1], reason: `the snapshot before it (${local.n[0]}, sequence 1) is missing and not recorded in pruned.jsonl` });

    const middle = copyOf(unsigned3);
    rmSync(join(middle.dir, middle.n[1]!), { recursive: true });
    const gap = await verifyStore(new VersionedStore(middle.dir, everythingExpired), { now: NOW });
    expect({ notes: gap.notes, firstBroken: gap.firstBroken }).toEqual({ notes: [], firstBroken: { name: middle.n[2], reason: `the snapshot before it (${middle.n[1]}, sequence 2) is missing and not recorded in pruned.jsonl` } });

    // The ledger keeps every pruned manifest: a gap before its oldest entry is never lock expiry.
    const ledger = copyOf(pruned4);
    writeLedger(ledger.dir, [ledgerLines(ledger.dir)[1]!]);
    const cut = await verifyStore(new VersionedStore(ledger.dir, everythingExpired), { now: NOW });
    expect({ notes: cut.notes, firstBroken: cut.firstBroken }).toEqual({ notes: [], firstBroken: { name: `${ledger.n[1]} (pruned)`, reason: `the snapshot before it (${ledger.n[0]}, sequence 1) is missing and not recorded in pruned.jsonl` } });
  });
});

describe('Object Lock: files of the oldest snapshot expiring before its manifest', () => {
  const EXPIRING = ['findings.jsonl.gz', 'inventory.jsonl.gz'];
  /** Three unsigned snapshots, the oldest missing two of its files. */
  function filesGone(): { dir: string; n: readonly string[] } {
    const chain = copyOf(unsigned3);
    for (const file of EXPIRING) rmSync(join(chain.dir, chain.n[0]!, file));
    return chain;
  }
  const oldestListing = (locks: Readonly<Record<string, Lock>>): StoredVersion[] => listing(FILES, LOCKED, locks, EXPIRING);

  it('is a note when their lock ended, the manifest still being locked; the oldest snapshot is found by sequence, not by name', async () => {
    const { dir, n } = filesGone();
    // An incomplete directory sorts before every snapshot: it is not the oldest snapshot.
    const stray = '20261101T000000Z-0000000a';
    mkdirSync(join(dir, stray));
    const store = new VersionedStore(dir, versionsBy({ [n[0]!]: oldestListing({ 'findings.jsonl.gz': ENDED, 'inventory.jsonl.gz': ENDED }), [n[1]!]: listing(FILES, LOCKED), [n[2]!]: listing(FILES, LOCKED) }));
    const report = await verifyStore(store, { now: NOW });
    expect(report.notes).toEqual([filesNote(n[0]!, 'findings.jsonl.gz, inventory.jsonl.gz')]);
    expect(report.firstBroken).toEqual({ name: stray, reason: `no ${MANIFEST_FILE}: not a complete snapshot` });
    expect(report.snapshots.map((s) => [s.name, s.sequence, s.problems])).toEqual([
      [stray, undefined, [`no ${MANIFEST_FILE}: not a complete snapshot`]],
      [n[0], 1, []],
      [n[1], 2, []],
      [n[2], 3, []],
    ]);
  });

  it('is a problem while a version of them is still locked, naming each file once and the latest lock', async () => {
    const { dir, n } = filesGone();
    const cases: [Record<string, Lock>, StoredVersion[], string][] = [
      [{ 'findings.jsonl.gz': ENDED, 'inventory.jsonl.gz': { mode: 'COMPLIANCE', until: at(MINUTE) } }, [], `1 versions of inventory.jsonl.gz are still stored under Object Lock until ${at(MINUTE).toISOString()}`],
      [{ 'findings.jsonl.gz': ENDED, 'inventory.jsonl.gz': { mode: 'COMPLIANCE', until: at(-MINUTE) } }, [], `1 versions of inventory.jsonl.gz are still stored under Object Lock until ${at(-MINUTE).toISOString()}`],
      [
        { 'findings.jsonl.gz': { mode: 'COMPLIANCE', until: at(30 * MINUTE) }, 'inventory.jsonl.gz': { mode: 'COMPLIANCE', until: at(2 * HOUR) } },
        [version('inventory.jsonl.gz', { mode: 'COMPLIANCE', until: at(MINUTE) })],
        `3 versions of findings.jsonl.gz, inventory.jsonl.gz are still stored under Object Lock until ${at(2 * HOUR).toISOString()}`,
      ],
    ];
    for (const [locks, older, detail] of cases) {
      const store = new VersionedStore(dir, versionsBy({ [n[0]!]: [...oldestListing(locks), ...older] }));
      const report = await verifyStore(store, { now: NOW });
      expect({ notes: report.notes, problems: problemsOf(report, n[0]!) }).toEqual({ notes: [], problems: ['findings.jsonl.gz: missing', 'inventory.jsonl.gz: missing', `${detail}, hidden by delete markers`] });
    }
  });

  it('is a problem naming the lock when written under GOVERNANCE or no lock, or when the versions cannot be read', async () => {
    const { dir, n } = filesGone();
    const cases: [(snapshot: string) => readonly StoredVersion[], string][] = [
      [versionsBy({ [n[0]!]: listing(FILES, { mode: 'GOVERNANCE', until: at(-DAY) }, {}, EXPIRING) }), 'written under GOVERNANCE Object Lock, not COMPLIANCE, so the missing files cannot be told from an early deletion'],
      [versionsBy({ [n[0]!]: listing(FILES, {}, {}, EXPIRING) }), 'written under no Object Lock, not COMPLIANCE, so the missing files cannot be told from an early deletion'],
      [denied, 'the stored versions cannot be read to tell expiry of findings.jsonl.gz, inventory.jsonl.gz from deletion (AccessDenied: s3:ListBucketVersions)'],
    ];
    for (const [versionsOf, problem] of cases) {
      const report = await verifyStore(new VersionedStore(dir, versionsOf), { now: NOW });
      expect(report.firstBroken).toEqual({ name: n[0], reason: 'findings.jsonl.gz: missing' });
      expect(problemsOf(report, n[0]!)).toEqual(['findings.jsonl.gz: missing', 'inventory.jsonl.gz: missing', problem]);
    }
  });

  it('is only "missing" in a store that keeps no versions', async () => {
    const { dir, n } = filesGone();
    const report = await verify(dir);
    expect({ notes: report.notes, problems: problemsOf(report, n[0]!) }).toEqual({ notes: [], problems: ['findings.jsonl.gz: missing', 'inventory.jsonl.gz: missing'] });
  });

  it('notes both when the oldest snapshot is losing files and its predecessor is gone, once each', async () => {
    const { dir, n } = copyOf(unsigned3);
    rmSync(join(dir, n[0]!), { recursive: true });
    rmSync(join(dir, n[1]!, 'inventory.jsonl.gz'));
    const own = listing(FILES, LOCKED, { 'inventory.jsonl.gz': ENDED }, ['inventory.jsonl.gz']);
    const expired = await verifyStore(new VersionedStore(dir, versionsBy({ [n[0]!]: listing(FILES, ENDED, {}, FILES), [n[1]!]: own })), { now: NOW });
    expect({ ok: expired.ok, notes: expired.notes }).toEqual({ ok: true, notes: [filesNote(n[1]!, 'inventory.jsonl.gz'), predecessorNote(n[0]!, n[1]!)] });

    // The predecessor still locked: its problem lands on the snapshot as reported (after the file expiry).
    const hidden = listing(FILES, ENDED, { [MANIFEST_FILE]: { mode: 'COMPLIANCE', until: at(HOUR) } }, FILES);
    const locked = await verifyStore(new VersionedStore(dir, versionsBy({ [n[0]!]: hidden, [n[1]!]: own })), { now: NOW });
    expect({ notes: locked.notes, problems: problemsOf(locked, n[1]!) }).toEqual({
      notes: [filesNote(n[1]!, 'inventory.jsonl.gz')],
      problems: [`the snapshot before it (${n[0]}, sequence 1) is missing: 1 of its objects are still stored under Object Lock until ${at(HOUR).toISOString()}, hidden by delete markers`],
    });
  });

  it("lets the oldest snapshot's signature expire only while a later snapshot's link vouches for its manifest", async () => {
    const { dir, n } = copyOf(signed2);
    const locked = versionsBy({ [n[0]!]: listing(SIGNED_FILES, LOCKED), [n[1]!]: listing(SIGNED_FILES, LOCKED) });
    expect(await verifyStore(new VersionedStore(dir, locked), { now: NOW })).toMatchObject({ ok: true, notes: [] });

    rmSync(join(dir, n[0]!, SIGNATURE_FILE));
    const versions = versionsBy({ [n[0]!]: listing(SIGNED_FILES, LOCKED, { [SIGNATURE_FILE]: ENDED }, [SIGNATURE_FILE]), [n[1]!]: listing(SIGNED_FILES, LOCKED) });
    const vouched = await verifyStore(new VersionedStore(dir, versions), { now: NOW });
    expect({ ok: vouched.ok, notes: vouched.notes }).toEqual({ ok: true, notes: [filesNote(n[0]!, SIGNATURE_FILE)] });
    expect(vouched.snapshots.map((s) => [s.name, s.signature?.state, s.problems])).toEqual([
      [n[0], undefined, []],
      [n[1], 'valid', []],
    ]);

    // Alone, nothing vouches for the manifest: its signature is required.
    rmSync(join(dir, n[1]!), { recursive: true });
    const alone = await verifyStore(new VersionedStore(dir, versions), { now: NOW });
    expect({ notes: alone.notes, firstBroken: alone.firstBroken }).toEqual({ notes: [], firstBroken: { name: n[0], reason: `signature: the manifest declares a signature but ${SIGNATURE_FILE} is missing` } });
  });

  it('keeps the first verdict when the manifest changes or disappears between its two reads', async () => {
    const { dir, n } = filesGone();
    /** The oldest manifest as read the second time (the re-check after the expiry): another version, or none. */
    class ReplacedManifest extends VersionedStore {
      private reads = 0;
      constructor(private readonly secondRead: Buffer | undefined) {
        super(dir, versionsBy({ [n[0]!]: oldestListing({ 'findings.jsonl.gz': ENDED, 'inventory.jsonl.gz': ENDED }) }));
      }
      override read(snapshot: string, file: string): Promise<Buffer | undefined> {
        if (snapshot === n[0] && file === MANIFEST_FILE && ++this.reads > 1) return Promise.resolve(this.secondRead);
        return super.read(snapshot, file);
      }
    }
    const original = readFileSync(join(dir, n[0]!, MANIFEST_FILE));
    const other = Buffer.from(original.toString('utf8').replace('"sequence": 1', '"sequence": 1 '));
    expect(other.equals(original)).toBe(false);
    for (const secondRead of [other, undefined]) {
      const report = await verifyStore(new ReplacedManifest(secondRead), { now: NOW });
      expect({ notes: report.notes, problems: problemsOf(report, n[0]!) }).toEqual({ notes: [], problems: ['findings.jsonl.gz: missing', 'inventory.jsonl.gz: missing'] });
    }
  });
});

it('reads the lock clock from the options, never the wall clock', async () => {
  // A version locked until a minute after `now` is still locked at `now`, whatever the machine's time.
  const { dir, n } = copyOf(unsigned3);
  rmSync(join(dir, n[0]!), { recursive: true });
  const versions = versionsBy({ [n[0]!]: listing(FILES, { mode: 'COMPLIANCE', until: at(MINUTE) }, {}, FILES), [n[1]!]: listing(FILES, LOCKED) });
  for (const now of [NOW, new Date('2020-01-01T00:00:00Z')]) {
    const report = await verifyStore(new VersionedStore(dir, versions), { now });
    expect(report.ok).toBe(false);
  }
  const later = await verifyStore(new VersionedStore(dir, versions), { now: at(10 * MINUTE) });
  expect(later.ok).toBe(true);
});
