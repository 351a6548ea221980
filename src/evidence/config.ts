/** The evidence section of the configuration (`evidence:`), owned by the evidence output and composed by src/config/schema.ts. */
import { z } from 'zod';
import { awsRegion, cron } from '../util/config-fields.js';

export const evidenceConfigSchema = z
  .strictObject({
    dir: z.string().min(1).optional().describe('Directory of the evidence snapshots (created with mode 0700; relative to this file); or use store'),
    store: z
      .strictObject({
        type: z.literal('s3'),
        bucket: z.string().min(3).describe('Bucket created with Object Lock enabled'),
        prefix: z.string().default('').describe('Key prefix of the snapshots ("" or ending with /)'),
        region: awsRegion,
        endpoint: z.url().optional().describe('S3-compatible endpoint (path-style addressing); default: AWS'),
        objectLock: z
          .strictObject({
            mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).describe('COMPLIANCE: no one can delete or overwrite a version before it expires; GOVERNANCE: only with s3:BypassGovernanceRetention'),
            days: z.number().int().positive().max(36_500).describe('Retain-until = upload time + days (at most 100 years, as S3 allows)'),
          })
          .optional()
          .describe("Object Lock of each uploaded object; unset: the bucket's default retention (which must exist)"),
      })
      .optional()
      .describe("Immutable evidence in S3 (Object Lock) instead of dir; pruning is left to the bucket's lifecycle rules (retention must be unset)"),
    schedule: cron.default('0 * * * *').describe('When to take a snapshot: a full collection and evaluation written as one snapshot (cron, local time of the agent)'),
    key: z.string().min(1).optional().describe('Ed25519 private key (PEM file, relative to this file) that signs each manifest; else $KANSA_EVIDENCE_KEY; else unsigned'),
    retention: z
      .strictObject({
        hourly: z.number().int().min(0).default(48).describe('Keep the newest snapshot of each of the last N hours'),
        daily: z.number().int().min(0).default(62).describe('… of each of the last N days (UTC)'),
        monthly: z.number().int().min(0).default(36).describe('… of each of the last N months (UTC)'),
      })
      .optional()
      .describe('Prune older snapshots (their manifests go to pruned.jsonl, so the chain stays verifiable); unset: keep every snapshot. Not with store (S3 lifecycle rules expire locked objects)'),
  })
  .refine((e) => (e.dir === undefined) !== (e.store === undefined), { message: 'expected exactly one of dir (a local directory) and store (S3)' })
  .refine((e) => e.store === undefined || e.retention === undefined, {
    message: "retention cannot be used with an S3 store: its objects are under Object Lock and kansa does not prune them; expire them with the bucket's lifecycle rules",
    path: ['retention'],
  });
export type EvidenceConfig = z.output<typeof evidenceConfigSchema>;
