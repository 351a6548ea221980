import { InputErrorCollector } from '../errors.js';
import type { Catalog } from './catalog.js';
import { attestationsFileSchema } from './schemas.js';
import { readYamlDocument, validEntries, validate } from './yaml-file.js';

export interface Attestation {
  readonly catalog: string;
  readonly requirement: string;
  readonly statement: string;
  readonly evidence: string;
  readonly owner: string;
  /** YYYY-MM-DD */
  readonly attested: string;
  /** YYYY-MM-DD, the last day on which the statement holds. */
  readonly expires: string;
}

/** Loads attestations for the given catalogs; `defaultCatalog` applies to entries without a catalog. Reports every bad entry at once. */
export function loadAttestations(file: string, catalogs: readonly Catalog[], defaultCatalog: string): Attestation[] {
  const errors = new InputErrorCollector();
  const doc = readYamlDocument(file);
  const value = validate(doc, attestationsFileSchema, errors);
  const entries = value ? value.attestations.map((a, index) => ({ index, value: a })) : validEntries(doc, 'attestations', attestationsFileSchema.shape.attestations.element);
  const attestations: Attestation[] = [];
  for (const { index, value: a } of entries) {
    const at = (field: string): [string, string] => [doc.locate(['attestations', index, field]), `attestations[${index}].${field}`];
    const catalogId = a.catalog ?? defaultCatalog;
    const catalog = catalogs.find((c) => c.id === catalogId);
    const requirement = catalog?.requirements.find((r) => r.id === a.requirement);
    if (!catalog) errors.add(...at('catalog'), `unknown catalog "${catalogId}"`);
    else if (!requirement) errors.add(...at('requirement'), `unknown requirement "${a.requirement}" in catalog ${catalogId}`);
    else if (requirement.automation === 'automated') {
      errors.add(...at('requirement'), `requirement ${a.requirement} is automated: configuration decides it, an attestation cannot`);
    }
    if (a.expires < a.attested) errors.add(...at('expires'), `expires (${a.expires}) is before attested (${a.attested})`);
    attestations.push({ catalog: catalogId, requirement: a.requirement, statement: a.statement, evidence: a.evidence, owner: a.owner, attested: a.attested, expires: a.expires });
  }
  errors.throwIfAny();
  return attestations;
}

export type AttestationState =
  | { readonly state: 'valid'; readonly attestation: Attestation }
  | { readonly state: 'expired'; readonly attestation: Attestation }
  | { readonly state: 'future'; readonly attestation: Attestation }
  | { readonly state: 'missing' };

/** The attestation in force for a requirement at `now` (UTC dates); the latest-expiring valid one wins. */
export function attestationFor(attestations: readonly Attestation[], catalog: string, requirement: string, now: Date): AttestationState {
  const today = now.toISOString().slice(0, 10);
  const mine = attestations.filter((a) => a.catalog === catalog && a.requirement === requirement);
  if (mine.length === 0) return { state: 'missing' };
  const valid = mine.filter((a) => a.attested <= today && today <= a.expires).sort((a, b) => b.expires.localeCompare(a.expires));
  if (valid[0]) return { state: 'valid', attestation: valid[0] };
  const future = mine.find((a) => a.attested > today);
  if (future) return { state: 'future', attestation: future };
  const latest = [...mine].sort((a, b) => b.expires.localeCompare(a.expires))[0] ?? mine[0];
  return { state: 'expired', attestation: latest! };
}
