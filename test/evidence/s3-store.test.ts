/** The S3 evidence store against the sandbox S3 through the real @aws-sdk/client-s3. */
import { createPublicKey } from 'node:crypto';
import { DeleteObjectCommand, GetObjectRetentionCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ASSESSMENT_FILE, EXCEPTIONS_FILE, FINDINGS_FILE, INVENTORY_FILE, MANIFEST_FILE, SIGNATURE_FILE, SNAPSHOT_FILES } from '../../src/evidence/format.js';
import { prune } from '../../src/evidence/retention.js';
import { S3EvidenceStore, parseS3Url } from '../../src/evidence/s3-store.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { configSchema } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { Signer } from '../../src/evidence/signing.js';
import { capturedLogger, ed25519Pem, evidenceService, signer, steppingClock, SyntheticCollector, syntheticAgent } from './helpers.js';

const HOUR = 3600_000;

describe('S3 evidence store (sandbox S3, Object Lock)', () => {
  let sandbox: Sandbox;
  const clock = steppingClock('2026-11-02T00:15:00Z');
  const stores: S3EvidenceStore[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 10 }, s3: { bucket: 'kansa-evidence', now: clock.now } });
  });
  afterAll(async () => {
    for (const s of stores) s.client.destroy();
    await sandbox.close();
  });

  function store(prefix: string, mode: 'GOVERNANCE' | 'COMPLIANCE' = 'COMPLIANCE', listPageSize?: number): S3EvidenceStore {
    const s = new S3EvidenceStore({
      bucket: sandbox.s3.bucket,
      prefix,
      region: sandbox.s3.region,
      endpoint: sandbox.s3.endpoint,
      credentials: sandbox.s3.credentials,
      objectLock: { mode, days: 30 },
      now: clock.now,
      maxAttempts: 1,
      ...(listPageSize ? { listPageSize } : {}),
    });
    stores.push(s);
    return s;
  }

  async function snapshots(s: S3EvidenceStore, count: number, signedBy?: Signer): Promise<string[]> {
    const { logger } = capturedLogger();
    const { service } = evidenceService('(unused)', { store: s, now: clock.now, logger, ...(signedBy ? { signer: signedBy } : {}) });
    const collector = new SyntheticCollector(50);
    const agent = syntheticAgent(collector, clock.now, logger);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      collector.openFrom = i * 5;
      const outcome = await service.snapshot(agent, new AbortController().signal);
      if (!outcome.ok) throw new Error(outcome.error);
      names.push(outcome.name);
      clock.advance(HOUR);
    }
    return names;
  }

  const rawClient = () => stores[0]!.client;

  it('parses s3:// locations', () => {
    expect(parseS3Url('s3://b/some/prefix')).toEqual({ bucket: 'b', prefix: 'some/prefix/' });
    expect(parseS3Url('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Url('/tmp/x')).toBeUndefined();
  });

  it('writes a chain of snapshots (manifest last, every object locked) that verifies', async () => {
    const s = store('prod/');
    await s.check();
    const names = await snapshots(s, 3);
    const report = await verifyStore(s);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((v) => v.sequence)).toEqual([1, 2, 3]);
    expect(report.location).toBe('s3://kansa-evidence/prod/');
    const keys = sandbox.s3.keys().filter((k) => k.startsWith(`prod/${names[0]}/`));
    expect(keys.map((k) => k.split('/').pop()).sort()).toEqual([...SNAPSHOT_FILES, EXCEPTIONS_FILE, MANIFEST_FILE].sort());
    for (const k of keys) {
      const v = sandbox.s3.versions(k)[0]!;
      expect(v.lockMode).toBe('COMPLIANCE');
      expect(v.retainUntil!.getTime() - v.lastModified.getTime()).toBe(30 * 86_400_000);
    }
    const puts = sandbox
      .calls()
      .list.filter((c) => c.provider === 's3' && c.operation === 'PutObject')
      .map((c) => c.status);
    expect(puts.every((st) => st === 200)).toBe(true);
    // The manifest is the last object of each snapshot to be written.
    const versionsOf = (file: string) => sandbox.s3.versions(`prod/${names[1]}/${file}`)[0]!.versionId;
    const manifestVersion = versionsOf(MANIFEST_FILE);
    for (const f of SNAPSHOT_FILES) expect(versionsOf(f) < manifestVersion).toBe(true);
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('detects an object overwritten by a raw PutObject (a new version over the locked one)', async () => {
    const s = store('tamper/');
    const names = await snapshots(s, 2);
    const key = `tamper/${names[0]}/${ASSESSMENT_FILE}`;
    await rawClient().send(new PutObjectCommand({ Bucket: sandbox.s3.bucket, Key: key, Body: Buffer.from('{"forged":true}\n') }));
    const report = await verifyStore(s);
    expect(report.ok).toBe(false);
    expect(report.firstBroken?.name).toBe(names[0]);
    expect(report.firstBroken?.reason).toMatch(/assessment\.json: .*(bytes|sha256)/);
    // The original version is still there, under its lock: the forgery cannot erase it.
    expect(sandbox.s3.versions(key)).toHaveLength(2);
  });

  it('refuses to delete a COMPLIANCE-locked evidence object, and allows it for GOVERNANCE only with the bypass', async () => {
    const compliance = store('c/', 'COMPLIANCE');
    const [c] = await snapshots(compliance, 1);
    const cKey = `c/${c}/${MANIFEST_FILE}`;
    const cVersion = sandbox.s3.versions(cKey)[0]!.versionId;
    const denied = await rawClient()
      .send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: cKey, VersionId: cVersion, BypassGovernanceRetention: true }))
      .then(
        () => undefined,
        (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)),
      );
    expect(denied).toBe('AccessDenied');
    expect((await verifyStore(compliance)).ok).toBe(true);

    const governance = store('g/', 'GOVERNANCE');
    const [g] = await snapshots(governance, 1);
    const gKey = `g/${g}/${MANIFEST_FILE}`;
    const gVersion = sandbox.s3.versions(gKey)[0]!.versionId;
    await expect(rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: gKey, VersionId: gVersion }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: gKey, VersionId: gVersion, BypassGovernanceRetention: true }));
    const after = await verifyStore(governance);
    expect(after.ok).toBe(false);
    expect(after.snapshots).toEqual([]);
    expect(after.notes.join('\n')).toContain(`${g}: an interrupted write`);
  });

  it('accepts a chain whose oldest snapshots expired after their COMPLIANCE lock (lifecycle rules), never one hidden early, deleted in the middle or under GOVERNANCE', async () => {
    const prefixOf = (s: S3EvidenceStore): string => s.prefix;
    const keysOf = (s: S3EvidenceStore, name: string): string[] => sandbox.s3.keys().filter((k) => k.startsWith(`${prefixOf(s)}${name}/`));
    // What S3 lifecycle expiry does on a versioned bucket: a delete marker over each current version.
    const hide = async (s: S3EvidenceStore, name: string): Promise<void> => {
      for (const key of keysOf(s, name)) await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: key }));
    };
    // ... and later the noncurrent versions themselves (refused while they are locked).
    const purge = async (s: S3EvidenceStore, name: string, bypass = false): Promise<void> => {
      for (const key of keysOf(s, name)) {
        for (const v of sandbox.s3.versions(key)) await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: key, VersionId: v.versionId, ...(bypass ? { BypassGovernanceRetention: true } : {}) }));
      }
    };

    const s = store('life/', 'COMPLIANCE');
    const names = await snapshots(s, 4);
    // Delete markers need no special permission, even under COMPLIANCE: hiding a locked snapshot is tampering.
    await hide(s, names[0]!);
    const hidden = await verifyStore(s, { now: clock.now() });
    expect(hidden.ok).toBe(false);
    expect(hidden.firstBroken).toMatchObject({ name: names[1], reason: expect.stringMatching(/objects are still stored under Object Lock until .*, hidden by delete markers/) as string });

    // Thirty days on the first snapshot's lock has ended: the markers, then the removal of the versions, are what lifecycle rules do.
    clock.advance(30 * 86_400_000 + HOUR);
    const expired = await verifyStore(s, { now: clock.now() });
    expect(expired.problems).toEqual([]);
    expect(expired.ok).toBe(true);
    await purge(s, names[0]!);
    const purged = await verifyStore(s, { now: clock.now() });
    expect(purged.ok).toBe(true);
    expect(purged.notes).toContain(
      `${names[0]} (sequence 1) and older snapshots are gone after their Object Lock ended (the chain is written under COMPLIANCE lock, which cannot be cut short): the chain is verified from ${names[1]}`,
    );

    // A gap inside the chain is never expiry, however old.
    await hide(s, names[2]!);
    await purge(s, names[2]!);
    const middle = await verifyStore(s, { now: clock.now() });
    expect(middle.ok).toBe(false);
    expect(middle.firstBroken).toMatchObject({ name: names[3], reason: expect.stringContaining(`the snapshot before it (${names[2]}, sequence 3) is missing and not recorded`) as string });

    // GOVERNANCE locks can be bypassed: a missing start is never explained by expiry there.
    const g = store('life-governance/', 'GOVERNANCE');
    const gNames = await snapshots(g, 2);
    await purge(g, gNames[0]!, true);
    const governance = await verifyStore(g, { now: clock.now() });
    expect(governance.ok).toBe(false);
    expect(governance.firstBroken?.reason).toContain('written under GOVERNANCE Object Lock, not COMPLIANCE');
  });

  it('accepts files of the oldest snapshot that expired before its manifest (midnight rounding), never while locked, in a later snapshot or under GOVERNANCE', async () => {
    // Lifecycle expiry of some of a snapshot's objects: delete markers over their current versions.
    const expire = async (s: S3EvidenceStore, name: string, files: readonly string[]): Promise<void> => {
      for (const file of files) await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: `${s.prefix}${name}/${file}` }));
    };
    const key = ed25519Pem();
    const s = store('split/', 'COMPLIANCE');
    const names = await snapshots(s, 3, signer(key.privateKey));
    const pinned = createPublicKey(key.publicKey);
    const early = [FINDINGS_FILE, ASSESSMENT_FILE, SIGNATURE_FILE];
    await expire(s, names[0]!, early);
    const locked = await verifyStore(s, { now: clock.now(), publicKey: pinned });
    expect(locked.ok).toBe(false);
    expect(locked.firstBroken).toMatchObject({ name: names[0], reason: `${ASSESSMENT_FILE}: missing` });
    expect(locked.snapshots[0]!.problems).toContainEqual(expect.stringMatching(/^3 versions of .* are still stored under Object Lock until .*, hidden by delete markers$/));

    clock.advance(30 * 86_400_000 + HOUR);
    const expired = await verifyStore(s, { now: clock.now(), publicKey: pinned });
    expect(expired.firstBroken).toBeUndefined();
    expect(expired.ok).toBe(true);
    expect(expired.notes).toContain(
      `${names[0]}: ${[ASSESSMENT_FILE, FINDINGS_FILE].sort().join(', ')}, ${SIGNATURE_FILE} expired after their Object Lock ended (lifecycle expiry is rounded to midnight UTC, so this snapshot expires over two days); its manifest, chain link and remaining files verify`,
    );
    // Only the oldest snapshot expires: a file missing from a later one is never expiry.
    await expire(s, names[1]!, [FINDINGS_FILE]);
    const later = await verifyStore(s, { now: clock.now(), publicKey: pinned });
    expect(later.firstBroken).toMatchObject({ name: names[1], reason: `${FINDINGS_FILE}: missing` });

    // The expiring snapshot's remaining files are still checked.
    await rawClient().send(new PutObjectCommand({ Bucket: sandbox.s3.bucket, Key: `${s.prefix}${names[0]!}/${INVENTORY_FILE}`, Body: Buffer.from('changed') }));
    const tampered = await verifyStore(s, { now: clock.now(), publicKey: pinned });
    expect(tampered.firstBroken).toMatchObject({ name: names[0], reason: expect.stringContaining(`${INVENTORY_FILE}: 7 bytes`) as string });

    // GOVERNANCE locks can be bypassed: missing files there are never explained by expiry.
    const g = store('split-governance/', 'GOVERNANCE');
    const gNames = await snapshots(g, 2);
    // Nothing but its signature vouches for the newest manifest: that signature never expires.
    const head = store('split-head/', 'COMPLIANCE');
    const [only] = await snapshots(head, 1, signer(key.privateKey));
    clock.advance(30 * 86_400_000 + HOUR);
    await expire(g, gNames[0]!, [FINDINGS_FILE]);
    const governance = await verifyStore(g, { now: clock.now() });
    expect(governance.ok).toBe(false);
    expect(governance.snapshots[0]!.problems).toEqual([`${FINDINGS_FILE}: missing`, 'written under GOVERNANCE Object Lock, not COMPLIANCE, so the missing files cannot be told from an early deletion']);
    await expire(head, only!, [SIGNATURE_FILE]);
    const unsigned = await verifyStore(head, { now: clock.now(), publicKey: pinned });
    expect(unsigned.firstBroken).toEqual({ name: only, reason: `signature: the manifest declares a signature but ${SIGNATURE_FILE} is missing` });
  });

  it('leaves nothing that verifies as complete when the manifest upload fails', async () => {
    const s = store('crash/');
    const [first] = await snapshots(s, 1);
    sandbox.s3.setFaults({ failPutKeys: /\/manifest\.json$/ });
    const { logger } = capturedLogger();
    const { service } = evidenceService('(unused)', { store: s, now: clock.now, logger });
    const outcome = await service.snapshot(syntheticAgent(new SyntheticCollector(10), clock.now, logger), new AbortController().signal);
    sandbox.s3.setFaults({});
    expect(outcome.ok).toBe(false);
    const report = await verifyStore(s);
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((v) => v.name)).toEqual([first]);
    // The next snapshot chains to the last complete one.
    clock.advance(HOUR);
    const [next] = await snapshots(s, 1);
    const again = await verifyStore(s);
    expect(again.ok).toBe(true);
    expect(again.snapshots.map((v) => [v.name, v.sequence])).toEqual([
      [first, 1],
      [next, 2],
    ]);
  });

  it('reports a commit that died before its manifest (no discard) as incomplete, not as a snapshot', async () => {
    const s = store('died/');
    const [first] = await snapshots(s, 1);
    const draft = await s.begin('20261103T000000Z-deadbeef');
    await draft.writeFile(ASSESSMENT_FILE, Buffer.from('{}'));
    // The process dies here: no publish, no discard.
    const { snapshots: names, incomplete } = await s.entries();
    expect(names).toEqual([first]);
    expect(incomplete).toEqual(['20261103T000000Z-deadbeef']);
    const report = await verifyStore(s);
    expect(report.ok).toBe(true);
    expect(report.notes.join('\n')).toContain('20261103T000000Z-deadbeef');
  });

  it('lists many snapshots across ListObjectsV2 pages', async () => {
    const s = store('many/', 'COMPLIANCE', 7);
    const names = await snapshots(s, 30); // 6 objects each: 180 keys, 26 pages of 7
    sandbox.resetCalls();
    const { snapshots: listed } = await s.entries();
    expect(listed).toEqual([...names].sort());
    expect(sandbox.calls().byOperation['ListObjectsV2']).toBe(Math.ceil(180 / 7));
    const report = await verifyStore(s);
    expect(report.ok).toBe(true);
    expect(report.snapshots).toHaveLength(30);
  }, 60_000);

  it('reads stored versions across ListObjectVersions pages (key-marker / version-id-marker)', async () => {
    const whole = store('versions/', 'COMPLIANCE');
    const names = await snapshots(whole, 1);
    // A delete marker over every object: each key then has two entries, version and marker.
    for (const key of sandbox.s3.keys().filter((k) => k.startsWith(`versions/${names[0]}/`))) await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: key }));
    sandbox.resetCalls();
    const expected = await whole.storedVersions(names[0]!);
    expect(sandbox.calls().byOperation['ListObjectVersions']).toBe(1);
    expect(expected.filter((v) => v.deleteMarker)).toHaveLength(expected.length / 2);
    const paged = store('versions/', 'COMPLIANCE', 3);
    sandbox.resetCalls();
    const got = await paged.storedVersions(names[0]!);
    // Pages of 3 split a key's version from its marker: resuming at the version id must lose and repeat nothing.
    expect(sandbox.calls().byOperation['ListObjectVersions']).toBe(Math.ceil(expected.length / 3));
    expect(got.map((v) => `${v.file} ${v.versionId} ${v.deleteMarker}`).sort()).toEqual(expected.map((v) => `${v.file} ${v.versionId} ${v.deleteMarker}`).sort());
    expect(got.filter((v) => !v.deleteMarker).every((v) => v.lockMode === 'COMPLIANCE' && v.retainUntil !== undefined)).toBe(true);
  });

  it('without s3:GetObjectRetention HeadObject has no lock headers, and the store refuses to take that for "unlocked"', async () => {
    const s = store('no-retention/', 'COMPLIANCE');
    const names = await snapshots(s, 2);
    const key = sandbox.s3.keys().find((k) => k.startsWith(`no-retention/${names[0]}/`))!;
    sandbox.s3.setFaults({ deniedActions: ['s3:GetObjectRetention'] });
    try {
      const head = await rawClient().send(new HeadObjectCommand({ Bucket: sandbox.s3.bucket, Key: key }));
      expect(head.ObjectLockMode).toBeUndefined();
      expect(head.ObjectLockRetainUntilDate).toBeUndefined();
      await expect(rawClient().send(new GetObjectRetentionCommand({ Bucket: sandbox.s3.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(s.storedVersions(names[0]!)).rejects.toThrow(/needs s3:GetObjectRetention/);
      // A hidden, still-locked first snapshot is then a problem verify reports, never an expiry it accepts.
      for (const k of sandbox.s3.keys().filter((x) => x.startsWith(`no-retention/${names[0]}/`))) await rawClient().send(new DeleteObjectCommand({ Bucket: sandbox.s3.bucket, Key: k }));
      const report = await verifyStore(s, { now: clock.now() });
      expect(report.ok).toBe(false);
      expect(report.firstBroken?.reason).toMatch(/cannot be read .*s3:GetObjectRetention/);
    } finally {
      sandbox.s3.setFaults({});
    }
    const head = await rawClient().send(new HeadObjectCommand({ Bucket: sandbox.s3.bucket, Key: key, VersionId: sandbox.s3.versions(key)[0]!.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  it('never prunes: remove and the ledger refuse, and the configuration rejects retention with a store', async () => {
    const s = store('prod/');
    await expect(s.remove('x')).rejects.toThrow(/lifecycle rules/);
    await expect(prune(s, { hourly: 1, daily: 0, monthly: 0 }, clock.now())).rejects.toThrow(/does not prune an S3 evidence store/);
    const parsed = configSchema.safeParse({ evidence: { store: { type: 's3', bucket: 'b-1', region: 'ap-northeast-1', objectLock: { mode: 'COMPLIANCE', days: 30 } }, retention: { hourly: 1 } } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('lifecycle');
    expect(configSchema.safeParse({ evidence: { store: { type: 's3', bucket: 'b-1', region: 'ap-northeast-1' } } }).success).toBe(true);
    expect(configSchema.safeParse({ evidence: {} }).success).toBe(false);
  });
});
