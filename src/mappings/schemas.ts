/**
 * The one source of truth for the mapping file formats (catalog, controls, attestations):
 * the loaders validate with these and `kansa schema` prints the JSON Schema editors use.
 */
import { z } from 'zod';

export const AUTOMATION_CLASSES = ['automated', 'partial', 'manual'] as const;
export type AutomationClass = (typeof AUTOMATION_CLASSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
const requirementId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a requirement id such as "2-6"');
const catalogId = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case catalog id such as "jp-cloud-procurement"');
const controlId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case control id such as "aws-s3-bucket-encryption"');
const isoDate = z.iso.date('expected a date YYYY-MM-DD');

export const catalogFileSchema = z.strictObject({
  id: catalogId,
  version: nonEmpty,
  title_ja: nonEmpty,
  title_en: nonEmpty,
  categories: z
    .array(z.strictObject({ id: nonEmpty, name_ja: nonEmpty, name_en: nonEmpty }))
    .min(1),
  requirements: z
    .array(
      z.strictObject({
        id: requirementId,
        category: nonEmpty,
        automation: z.enum(AUTOMATION_CLASSES),
        title_en: nonEmpty,
        text_ja: nonEmpty,
        rationale: nonEmpty,
        text_note: nonEmpty.optional(),
        /** Frameworks may list the controls that evidence an item themselves (many-to-many, as Prowler does). */
        controls: z.array(controlId).optional(),
        /** Per provider, one line on why its configuration cannot evidence this item (coverage gaps are explained, not silent). */
        not_evidenced: z.partialRecord(z.enum(['aws', 'azure', 'gcp']), nonEmpty).optional(),
      }),
    )
    .min(1),
});
export type CatalogFile = z.output<typeof catalogFileSchema>;

const contextSchema = z.strictObject({
  /** CEL variable name the index is bound to. */
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase CEL identifier'),
  type: nonEmpty,
  /** CEL over `r` (a resource of `type`) giving the key the index is looked up by. */
  key: nonEmpty,
});

export const controlSchema = z.strictObject({
  id: controlId,
  title: z.strictObject({ ja: nonEmpty, en: nonEmpty }),
  provider: z.enum(['aws', 'azure', 'gcp']),
  resourceTypes: z.array(nonEmpty).min(1),
  /** each: every resource must satisfy; exists: at least one resource per scope must. */
  kind: z.enum(['each', 'exists']),
  /** For `exists`: the scope in which one satisfying resource must exist. */
  scope: z.enum(['account', 'region']).optional(),
  /** CEL over `resource`: which resources the control applies to (default: all of its types). */
  where: nonEmpty.optional(),
  expression: nonEmpty,
  /** CEL string over `resource`, evaluated only for failing resources, explaining the failure. */
  reason: nonEmpty.optional(),
  /** Other resource types the expression reads, indexed by key (e.g. flow logs by VPC id). */
  context: z.array(contextSchema).optional(),
  severity: z.enum(SEVERITIES),
  rationale: nonEmpty,
  remediation: nonEmpty,
  /** Requirement ids per catalog id that this control evidences. */
  requirements: z.record(catalogId, z.array(requirementId).min(1)),
});
export type ControlSpec = z.output<typeof controlSchema>;

export const controlsFileSchema = z.strictObject({
  controls: z.array(controlSchema).min(1),
});

export const attestationsFileSchema = z.strictObject({
  attestations: z.array(
    z.strictObject({
      /** Catalog id; defaults to the catalog being evaluated. */
      catalog: catalogId.optional(),
      requirement: requirementId,
      statement: nonEmpty,
      /** Where the evidence lives (document id, URL, ticket). */
      evidence: nonEmpty,
      owner: nonEmpty,
      attested: isoDate,
      expires: isoDate,
    }),
  ),
});
export type AttestationsFile = z.output<typeof attestationsFileSchema>;
