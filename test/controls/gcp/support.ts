/** Test support: real-shaped Cloud Asset assets through the real GCP normalizer and the bundled controls. */
import { readFileSync } from 'node:fs';
import { normalizeAsset, type NormalizeOptions } from '../../../collectors/gcp/normalize.js';
import type { Assessment, Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

/** A policy-library fixture (GoogleCloudPlatform/policy-library, Apache-2.0; test/fixtures/gcp/SOURCES.md). */
export function sample(file: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gcp/policy-library/${file}.json`, import.meta.url), 'utf8')) as Record<string, unknown>[];
}

/** One asset of a fixture, by the last segment of its name. */
export function sampleAsset(file: string, name: string): Record<string, unknown> {
  const found = sample(file).find((a) => String(a.name).endsWith(`/${name}`));
  if (!found) throw new Error(`no asset ${name} in ${file}`);
  return found;
}

export function assessAssets(assets: readonly unknown[], options: NormalizeOptions = {}): Assessment {
  const resources: Resource[] = assets.flatMap((a) => normalizeAsset(a, options));
  const coverage = [...new Set(resources.map((r) => r.account))].map(
    (account): CollectionScope => ({ provider: 'gcp', account, region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } }),
  );
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, coverage, controls, catalog, attestations, NOW);
}

/** Findings of one control keyed by the last segment of the asset name. */
export function findings(assets: readonly unknown[], control: string, options: NormalizeOptions = {}): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assessAssets(assets, options).findings) {
    if (f.control !== control) continue;
    out[f.resourceId.split('/').pop() ?? f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  }
  return out;
}

/** A Cloud Asset RESOURCE asset in the API's camelCase shape. */
export function asset(type: string, name: string, data: Record<string, unknown>, location?: string): Record<string, unknown> {
  return {
    name,
    assetType: type,
    ancestors: ['projects/123456789012', 'organizations/900000000001'],
    updateTime: '2026-10-30T09:00:00Z',
    resource: { version: 'v1', parent: '//cloudresourcemanager.googleapis.com/projects/123456789012', data, ...(location === undefined ? {} : { location }) },
  };
}

/** Japanese reasons (`reason_ja`) of one control's findings, keyed as `findings` keys them. */
export function reasonsJa(assets: readonly unknown[], control: string, options: NormalizeOptions = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of assessAssets(assets, options).findings) {
    if (f.control === control) out[f.resourceId.split('/').pop() ?? f.resourceId] = f.reason_ja;
  }
  return out;
}

/**
 * The project-wide Compute Engine metadata (Compute v1 Project.commonInstanceMetadata) as the identity collection
 * records it; without items the record carries no metadata at all.
 */
export function computeProject(project: string, items: Record<string, string> | undefined): Record<string, unknown> {
  return asset('compute.googleapis.com/Project', `//compute.googleapis.com/projects/${project}`, {
    name: project,
    kind: 'compute#project',
    ...(items === undefined ? {} : { commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'abc=', items: Object.entries(items).map(([key, value]) => ({ key, value })) } }),
  }, 'global');
}
