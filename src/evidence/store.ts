/**
 * Where snapshots live. The contract every store keeps: a snapshot becomes visible under its final
 * name only once all of its files are durable, in one atomic step, and is never rewritten after that.
 *
 * The local-directory store (the default) writes into `.tmp-<name>-<pid>/`, fsyncs every file and the
 * directory, renames it into place and fsyncs the parent. Deletions (retention) rename to
 * `.del-<name>-<pid>` first, so a crash mid-delete never leaves a partial directory under a final name.
 * The S3 store (s3-store.ts) maps `publish` to writing the manifest object last (its presence marks the
 * snapshot complete) under Object Lock.
 */
import { closeSync, createReadStream, fsync, openSync, writeSync, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DELETE_PREFIX, LEDGER_FILE, LOCK_FILE, MANIFEST_FILE, SIGNATURE_FILE, SNAPSHOT_NAME, TEMP_PREFIX } from './format.js';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** How often a writer re-checks a lock held by another live process, and for how long at most. */
const LOCK_POLL_MS = 50;
const LOCK_WAIT_MS = 120_000;

/** A file being appended to synchronously (observers are synchronous callbacks). */
export interface DraftFile {
  /** Throws on I/O errors (disk full…); the caller stops writing and discards the draft. */
  append(bytes: Uint8Array): void;
  /** Makes the bytes durable and closes the file. */
  close(): Promise<void>;
}

export interface SnapshotDraft {
  readonly name: string;
  openAppend(file: string): DraftFile;
  writeFile(file: string, bytes: Uint8Array): Promise<void>;
  /** Writes the manifest (and signature) last and makes the snapshot visible atomically. */
  publish(manifest: Uint8Array, signature: Uint8Array | undefined): Promise<void>;
  /** Removes the draft; idempotent; never throws. */
  discard(): Promise<void>;
}

export interface StoreEntries {
  /** Names that look like snapshots, sorted (oldest first: names start with their UTC time). */
  readonly snapshots: readonly string[];
  /** Writes or deletions that never finished: not snapshots, ignored by verify, removed by the next writer. */
  readonly incomplete: readonly string[];
  /** Anything else that is not part of the store's format. */
  readonly unexpected: readonly string[];
}

export interface EvidenceStore {
  /** For messages: a path or URL. */
  readonly location: string;
  /** Start-up check that the store keeps evidence as promised (S3: Object Lock); throws the reason it cannot. */
  check?(): Promise<void>;
  begin(name: string): Promise<SnapshotDraft>;
  /** Runs `fn` while holding the store's writer lock (chain updates, pruning). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  entries(): Promise<StoreEntries>;
  /** Names of the files (not directories) in a snapshot, sorted; other entries are reported as `!name`. */
  files(snapshot: string): Promise<string[]>;
  read(snapshot: string, file: string): Promise<Buffer | undefined>;
  openRead(snapshot: string, file: string): Readable;
  readLedger(): Promise<string>;
  /** Appends one line durably; a torn line from an earlier crash is cut off first. */
  appendLedger(line: string): Promise<void>;
  remove(snapshot: string): Promise<void>;
  /**
   * Stores whose objects are versioned and locked (S3 Object Lock): every version (oldest first for each
   * file) and delete marker still stored under a snapshot, each version with its own lock. verify uses it to tell a chain
   * start removed after its lock ended from one deleted or hidden early.
   */
  storedVersions?(snapshot: string): Promise<readonly StoredVersion[]>;
}

export interface StoredVersion {
  readonly file: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly lastModified: Date;
  readonly lockMode?: string;
  readonly retainUntil?: Date;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeDurable(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const pidSuffix = /-(\d+)$/;

export class LocalEvidenceStore implements EvidenceStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async begin(name: string): Promise<SnapshotDraft> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    await this.removeAbandoned();
    const temp = join(this.dir, `${TEMP_PREFIX}${name}-${process.pid}`);
    await mkdir(temp, { mode: DIR_MODE });
    return new LocalDraft(this.dir, temp, name);
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // In-process queue first (one agent, several triggers), then the cross-process lock file.
    const run = this.queue.then(async () => {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      const release = await this.lock();
      try {
        return await fn();
      } finally {
        await release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async entries(): Promise<StoreEntries> {
    let listing: Dirent[];
    try {
      listing = await readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { snapshots: [], incomplete: [], unexpected: [] };
      throw error;
    }
    const snapshots: string[] = [];
    const incomplete: string[] = [];
    const unexpected: string[] = [];
    for (const entry of listing) {
      if (entry.name.startsWith(TEMP_PREFIX) || entry.name.startsWith(DELETE_PREFIX)) incomplete.push(entry.name);
      else if (SNAPSHOT_NAME.test(entry.name)) snapshots.push(entry.name);
      else if (entry.name === LEDGER_FILE || entry.name === LOCK_FILE) continue;
      else unexpected.push(entry.name);
    }
    return { snapshots: snapshots.sort(), incomplete: incomplete.sort(), unexpected: unexpected.sort() };
  }

  async files(snapshot: string): Promise<string[]> {
    const listing = await readdir(join(this.dir, snapshot), { withFileTypes: true });
    return listing.map((e) => (e.isFile() ? e.name : `!${e.name}`)).sort();
  }

  async read(snapshot: string, file: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.dir, snapshot, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  openRead(snapshot: string, file: string): Readable {
    return createReadStream(join(this.dir, snapshot, file));
  }

  async readLedger(): Promise<string> {
    try {
      return await readFile(join(this.dir, LEDGER_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  async appendLedger(line: string): Promise<void> {
    const path = join(this.dir, LEDGER_FILE);
    let existing = '';
    let created = false;
    try {
      existing = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      created = true;
    }
    if (existing.length > 0 && !existing.endsWith('\n')) {
      // A crash tore the last append; its snapshot was not deleted (deletion follows the fsync).
      await truncate(path, Buffer.byteLength(existing.slice(0, existing.lastIndexOf('\n') + 1)));
    }
    const handle = await open(path, 'a', FILE_MODE);
    try {
      await handle.appendFile(`${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await fsyncPath(this.dir);
  }

  async remove(snapshot: string): Promise<void> {
    const doomed = join(this.dir, `${DELETE_PREFIX}${snapshot}-${process.pid}`);
    await rename(join(this.dir, snapshot), doomed);
    await fsyncPath(this.dir);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Leftovers of writers and deleters that died (kill -9, power loss): never snapshots, safe to remove. */
  private async removeAbandoned(): Promise<void> {
    const { incomplete } = await this.entries();
    for (const name of incomplete) {
      const pid = Number(pidSuffix.exec(name)?.[1]);
      const ours = pid === process.pid;
      // Another live writer's draft, or a concurrent draft of this process: not abandoned.
      if ((!ours && isAlive(pid)) || (ours && name.startsWith(TEMP_PREFIX))) continue;
      await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }

  /**
   * `.lock` holds the owner's pid and host. A lock whose process is gone (kill -9) is taken over; two
   * processes taking over the same stale lock at the same instant could both proceed, which this
   * single-host design accepts (the chain would then show the fork on verify).
   */
  private async lock(): Promise<() => Promise<void>> {
    const path = join(this.dir, LOCK_FILE);
    const owner = `${process.pid} ${hostname()}\n`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await writeFile(path, owner, { flag: 'wx', mode: FILE_MODE });
        return async () => {
          await unlink(path).catch(() => undefined);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = await readFile(path, 'utf8').catch(() => '');
      const [pidText, host] = held.trim().split(' ');
      const pid = Number(pidText);
      const stale = held.trim() === '' ? await this.olderThan(path, LOCK_POLL_MS * 20) : host === hostname() && (!isAlive(pid) || pid === process.pid);
      if (stale) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${path}: held by process ${held.trim()} for over ${LOCK_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  /** An empty lock file is one whose writer died between create and write, or one being written now. */
  private async olderThan(path: string, ms: number): Promise<boolean> {
    try {
      return Date.now() - (await stat(path)).mtimeMs > ms;
    } catch {
      return true;
    }
  }
}

class LocalDraft implements SnapshotDraft {
  private readonly open = new Set<number>();
  private discarded = false;

  constructor(
    private readonly root: string,
    private readonly temp: string,
    readonly name: string,
  ) {}

  openAppend(file: string): DraftFile {
    const fd = openSync(join(this.temp, file), 'wx', FILE_MODE);
    this.open.add(fd);
    let closed = false;
    return {
      append: (bytes) => {
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
        } finally {
          this.open.delete(fd);
          closeSync(fd);
        }
      },
    };
  }

  writeFile(file: string, bytes: Uint8Array): Promise<void> {
    return writeDurable(join(this.temp, file), bytes);
  }

  async publish(manifest: Uint8Array, signature: Uint8Array | undefined): Promise<void> {
    if (this.open.size > 0) throw new Error('publish with files still open');
    await writeDurable(join(this.temp, MANIFEST_FILE), manifest);
    if (signature) await writeDurable(join(this.temp, SIGNATURE_FILE), signature);
    await fsyncPath(this.temp);
    const target = join(this.root, this.name);
    // rename(2) silently replaces an empty directory: refuse any existing target instead.
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    if (exists) throw new Error(`${target} already exists: snapshots are never rewritten`);
    await rename(this.temp, target);
    await fsyncPath(this.root);
  }

  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    for (const fd of this.open) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.open.clear();
    // On failure the directory is left for the next writer's clean-up: it is not a snapshot either way.
    await rm(this.temp, { recursive: true, force: true }).catch(() => undefined);
  }
}
