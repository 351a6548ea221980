/** `kansa snapshot`, `kansa verify`, `kansa diff`: evidence snapshots on demand, their verification and drift. */
import { setMaxListeners } from 'node:events';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { Option } from 'commander';
import { buildCollectors, closeCollectors, type ConfiguredCollector } from '../../../collectors/registry.js';
import { Agent } from '../../agent/agent.js';
import { defaultConfig, loadConfig } from '../../config/load.js';
import { EXIT_NONCOMPLIANT, EXIT_OK, InputError } from '../../errors.js';
import { diffSnapshots, renderDiffText } from '../../evidence/diff.js';
import { SNAPSHOT_NAME } from '../../evidence/format.js';
import { mappingsDigest } from '../../evidence/mappings-digest.js';
import { EvidenceIntegrityError, openSnapshotDir } from '../../evidence/read.js';
import { EvidenceService, type SnapshotOutcome } from '../../evidence/service.js';
import { loadPublicKey, loadSigner } from '../../evidence/signing.js';
import { checkStore, isS3Location, storeFromConfig, storeFromLocation } from '../../evidence/open.js';
import { S3EvidenceStore } from '../../evidence/s3-store.js';
import { renderVerifyReport, verifyStore } from '../../evidence/verify.js';
import { createLogger } from '../../log.js';
import { createRegistry } from '../../metrics/metrics.js';
import { VERSION } from '../../paths.js';
import { isDirectory, requireCollectors } from '../load.js';
import { loadMappings } from '../../mappings/load.js';
import type { CommandGroup } from '../command.js';

const DEFAULT_SANDBOX_RESOURCES = 2000;
const OUTPUTS = ['text', 'json'] as const;
type Output = (typeof OUTPUTS)[number];

interface SnapshotCliOptions {
  config?: string;
  sandbox?: boolean;
  sandboxResources: number;
  dir?: string;
  key?: string;
  output: Output;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(flag, '', `expected a positive integer, got "${value}"`);
  return n;
}

function renderSnapshot(outcome: Extract<SnapshotOutcome, { ok: true }>): string {
  const m = outcome.manifest;
  const s = m.summary;
  const f = m.counts.findings;
  const lines = [
    `snapshot ${outcome.name} written to ${outcome.location}`,
    `  sequence ${m.sequence}, previous ${m.previous?.name ?? '(none: first of the chain)'}`,
    `  manifest sha256:${outcome.manifestSha256}, ${m.signature ? `signed by ${m.signature.fingerprint}` : 'unsigned'}`,
    `  chain head: sequence ${m.sequence}, sha256:${outcome.manifestSha256} — record it outside this store; kansa verify --min-sequence ${m.sequence} --head ${outcome.manifestSha256} then detects deleted newer snapshots`,
    `  ${m.counts.resources} resources, findings: ${f.pass} pass, ${f.fail} fail, ${f.unknown} unknown`,
    `  requirements: compliant ${s.compliant}, noncompliant ${s.noncompliant}, unknown ${s.unknown}, not_assessed ${s.not_assessed}`,
  ];
  if (m.previous) {
    lines.push(`  requirement changes since ${m.previous.name}: ${outcome.changes.length}`);
    for (const c of outcome.changes) lines.push(`    ${c.id.padEnd(6)} ${c.from} → ${c.to}`);
  }
  if (outcome.pruned.length > 0) lines.push(`  pruned by retention: ${outcome.pruned.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export const evidenceCommands: CommandGroup = (program, { io, setExitCode }) => {
  program
    .command('snapshot')
    .description('collect and evaluate once and write a verifiable evidence snapshot (a new directory in --dir)')
    .option('--config <file>', 'agent configuration (YAML); its evidence section gives the defaults of --dir and --key, and the retention')
    .option('--sandbox', 'collect from the embedded sandbox cloud on loopback (no account needed)')
    .option('--sandbox-resources <n>', 'size of the sandbox estate', (v) => positiveInt('--sandbox-resources', v), DEFAULT_SANDBOX_RESOURCES)
    .option('--dir <dir>', 'evidence directory or s3://bucket/prefix (default: evidence.dir or evidence.store of the configuration)')
    .option('--key <file>', 'Ed25519 private key (PEM) to sign the manifest (default: evidence.key, else $KANSA_EVIDENCE_KEY, else unsigned)')
    .addOption(new Option('--output <format>', 'output format').choices(OUTPUTS).default('text'))
    .action(async (options: SnapshotCliOptions) => {
      const config = options.config ? loadConfig(options.config) : defaultConfig();
      requireCollectors(config, options.config, options.sandbox === true);
      if (options.dir === undefined && config.evidence === undefined) throw new InputError('kansa snapshot', '--dir', 'missing: expected the evidence directory or s3://bucket/prefix (or evidence.dir / evidence.store in --config)');
      const store = options.dir !== undefined ? storeFromLocation(options.dir, config.evidence?.store) : storeFromConfig(config.evidence!);
      const retention = store instanceof S3EvidenceStore ? undefined : config.evidence?.retention;
      await checkStore(store);
      const signer = loadSigner(options.key ?? config.evidence?.key, process.env, (message) => io.stderr(`kansa: warning: ${message}\n`));
      const mappings = loadMappings({ catalog: config.catalog, controls: config.controls, attestations: config.attestations, exceptions: config.exceptions });
      const digest = mappingsDigest({ catalog: config.catalog, controls: config.controls });
      const logger = createLogger(config.log.level, new Writable({ write: (chunk: Buffer, _encoding, done) => (io.stderr(chunk.toString()), done()) }));
      const sandbox = options.sandbox ? await (await import('../sandbox.js')).withSandbox(config, { resources: options.sandboxResources }) : undefined;
      let configured: ConfiguredCollector[] = [];
      try {
        configured = await buildCollectors(sandbox?.config ?? config, sandbox ? (await import('../../../collectors/sandbox.js')).sandboxClientOverrides(sandbox.clients) : {});
        const agent = new Agent(mappings, configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })), {
          logger,
          now: io.now,
          apiCalls: createRegistry().apiCalls,
          disabledControls: new Set(config.disabledControls),
        });
        const service = new EvidenceService({ store, signer, retention, mappings: digest, logger, now: io.now, version: VERSION });
        const abort = new AbortController();
        setMaxListeners(10_000, abort.signal);
        const outcome = await service.snapshot(agent, abort.signal);
        if (!outcome.ok) {
          io.stderr(`kansa: snapshot failed (${outcome.stage}): ${outcome.error}\n`);
          setExitCode(EXIT_NONCOMPLIANT);
          return;
        }
        if (options.output === 'json') {
          const m = outcome.manifest;
          io.stdout(
            `${JSON.stringify(
              { name: outcome.name, dir: outcome.location, sequence: m.sequence, manifestSha256: outcome.manifestSha256, previous: m.previous, signature: m.signature?.fingerprint ?? null, counts: m.counts, summary: m.summary, changes: outcome.changes, pruned: outcome.pruned },
              null,
              2,
            )}\n`,
          );
        } else io.stdout(renderSnapshot(outcome));
      } finally {
        await closeCollectors(configured);
        await sandbox?.close();
      }
    });

  program
    .command('verify')
    .description('verify every snapshot in DIR: file hashes, the hash chain (through pruned.jsonl) and signatures; exit 0 only when all verify')
    .argument('<dir>', 'evidence directory (the one holding the snapshot directories), or s3://bucket/prefix (default AWS credential chain)')
    .option('--config <file>', 'agent configuration: region, endpoint of an s3:// location from evidence.store')
    .option('--public-key <file>', 'require every manifest to be signed by this Ed25519 public key (PEM)')
    .option('--min-sequence <n>', 'fail unless the chain reaches this sequence (recorded elsewhere, e.g. from kansa_evidence_chain_head_sequence)', (v) => positiveInt('--min-sequence', v))
    .option('--head <sha256>', 'fail unless the chain holds the manifest with this sha256 (the head printed by kansa snapshot, recorded elsewhere)')
    .option('--allow-key-change <fingerprint...>', 'accept a change of signing key to this fingerprint inside the chain (a planned rotation)')
    .addOption(new Option('--output <format>', 'output format').choices(OUTPUTS).default('text'))
    .action(async (dir: string, options: { publicKey?: string; config?: string; output: Output; minSequence?: number; head?: string; allowKeyChange?: string[] }) => {
      const s3 = isS3Location(dir);
      if (!s3 && !isDirectory(dir)) throw new InputError(dir, '', 'no such directory: expected an evidence directory or s3://bucket/prefix');
      if (SNAPSHOT_NAME.test(basename(dir))) throw new InputError(dir, '', 'this is one snapshot: pass the evidence directory that holds it (the chain is verified as a whole)');
      const publicKey = options.publicKey === undefined ? undefined : loadPublicKey(options.publicKey);
      const head = options.head?.replace(/^sha256:/, '');
      if (head !== undefined && !/^[0-9a-fA-F]{64}$/.test(head)) throw new InputError('--head', '', `expected a manifest sha256 (64 hex digits), got "${options.head}"`);
      const report = await verifyStore(storeFromLocation(dir, options.config ? loadConfig(options.config).evidence?.store : undefined), {
        ...(publicKey ? { publicKey } : {}),
        ...(options.minSequence === undefined ? {} : { minSequence: options.minSequence }),
        ...(head === undefined ? {} : { head }),
        ...(options.allowKeyChange ? { allowKeyChange: options.allowKeyChange } : {}),
      });
      io.stdout(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderVerifyReport(report));
      setExitCode(report.ok ? EXIT_OK : EXIT_NONCOMPLIANT);
    });

  program
    .command('diff')
    .description('what changed between two snapshots: requirement and control states, resources newly failing or fixed')
    .argument('<a>', 'the earlier snapshot directory')
    .argument('<b>', 'the later snapshot directory')
    .addOption(new Option('--output <format>', 'output format').choices(OUTPUTS).default('text'))
    .action(async (a: string, b: string, options: { output: Output }) => {
      try {
        const diff = await diffSnapshots(await openSnapshotDir(a), await openSnapshotDir(b));
        io.stdout(options.output === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffText(diff));
      } catch (error) {
        if (!(error instanceof EvidenceIntegrityError)) throw error;
        io.stderr(`kansa: ${error.message} (run kansa verify)\n`);
        setExitCode(EXIT_NONCOMPLIANT);
      }
    });
};
