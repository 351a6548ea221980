/** Test support: run real-shaped AWS Config items through the real normalizer and the bundled controls. */
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import type { Assessment, Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadMappings, type Mappings } from '../../src/mappings/load.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';

let bundled: Mappings | undefined;
export function bundledMappings(): Mappings {
  bundled ??= loadMappings({});
  return bundled;
}

export const NOW = new Date('2026-11-01T00:00:00Z');

export function normalizeAll(items: readonly unknown[]): Resource[] {
  return items.flatMap((item) => {
    // Read as of NOW, as a collection would (certificate days left count from it).
    const outcome = normalizeConfigItem(item, NOW);
    return outcome.kind === 'resource' ? [outcome.resource] : [];
  });
}

/**
 * Evaluates items as if AWS Config had fully collected the given account × regions (default: every
 * account × region the items mention, all types), so `exists` controls and vacuous passes behave as live.
 */
export function assess(items: readonly unknown[], coverage?: readonly CollectionScope[]): Assessment {
  const resources = normalizeAll(items);
  const scopes =
    coverage ??
    [...new Set(resources.map((r) => `${r.account}|${r.region}`))].map((key): CollectionScope => {
      const [account = '', region = ''] = key.split('|');
      return { provider: 'aws', account, region, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } };
    });
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, scopes, controls, catalog, attestations, NOW);
}

/** Findings of one control, keyed by resource id, for compact assertions. */
export function findingsOf(assessment: Assessment, control: string): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assessment.findings) {
    if (f.control === control) out[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  }
  return out;
}

/** The Japanese reasons (`reason_ja`) of one control's findings, keyed by resource id. */
export function reasonsJaOf(assessment: Assessment, control: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of assessment.findings) if (f.control === control) out[f.resourceId] = f.reason_ja;
  return out;
}

/** A configuration item in the snapshot/event shape, with sensible defaults. */
export function configItem(fields: {
  type: string;
  id: string;
  configuration: unknown;
  supplementary?: Record<string, unknown>;
  account?: string;
  region?: string;
  name?: string;
  arn?: string;
  status?: string;
  relationships?: unknown[];
}): Record<string, unknown> {
  return {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2026-10-30T09:00:00.000Z',
    configurationItemStatus: fields.status ?? 'OK',
    awsAccountId: fields.account ?? '111122223333',
    resourceType: fields.type,
    resourceId: fields.id,
    resourceName: fields.name ?? fields.id,
    ARN: fields.arn ?? `arn:aws:test:${fields.region ?? 'ap-northeast-1'}:${fields.account ?? '111122223333'}:${fields.id}`,
    awsRegion: fields.region ?? 'ap-northeast-1',
    availabilityZone: 'Not Applicable',
    tags: {},
    relationships: fields.relationships ?? [],
    configuration: fields.configuration,
    supplementaryConfiguration: fields.supplementary ?? {},
  };
}
