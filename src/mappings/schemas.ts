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

/** Text kansa shows people: Japanese (the default for auditors) and English, always both. */
export const bilingualSchema = z.strictObject({ ja: nonEmpty, en: nonEmpty }, 'expected {ja: …, en: …} (Japanese and English)');

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
        rationale: bilingualSchema,
        text_note: bilingualSchema.optional(),
        /** Frameworks may list the controls that evidence an item themselves (many-to-many, as Prowler does). */
        controls: z.array(controlId).optional(),
        /** Per provider, one line on why its configuration cannot evidence this item (coverage gaps are explained, not silent). */
        not_evidenced: z.partialRecord(z.enum(['aws', 'azure', 'gcp']), bilingualSchema).optional(),
        /**
         * The verdict when every control saw no resource of its types in fully covered scopes: `compliant` where
         * nothing existing cannot break the item (no buckets, so no public bucket), `unknown` (the default) where
         * the item needs something in place (no trail is not logging).
         */
        nothing_in_scope: z
          .enum(['compliant', 'unknown'])
          .optional()
          .describe('Verdict when every control saw no resource of its types in fully covered scopes (default unknown: no vacuous compliance)'),
      }),
    )
    .min(1),
});
export type CatalogFile = z.output<typeof catalogFileSchema>;

const celIdentifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase CEL identifier');

const variableSchema = z.strictObject({
  /** Read as `variables.NAME` by later variables, `where`, `expression` and the messages. */
  name: celIdentifier,
  /** CEL over `resource`, the context indexes and earlier variables; evaluated at most once per resource. */
  expression: nonEmpty,
});

const contextSchema = z.strictObject({
  /** CEL variable name the index is bound to. */
  name: celIdentifier,
  type: nonEmpty,
  /** CEL over `r` (a resource of `type`) giving the key the index is looked up by; null leaves `r` out of the index. */
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
  /**
   * Named CEL expressions in order, each may read the earlier ones (as Kubernetes ValidatingAdmissionPolicy):
   * the logic lives here, once; `where`, `expression` and `reason` read `variables.NAME`.
   */
  variables: z.array(variableSchema).optional(),
  /** CEL over `resource`: which resources the control applies to (default: all of its types). */
  where: nonEmpty.optional(),
  expression: nonEmpty,
  /** CEL strings (Japanese and English), evaluated only for failing resources, explaining the failure. */
  reason: z.strictObject({ ja: nonEmpty, en: nonEmpty }, 'expected {ja: CEL, en: CEL}').optional(),
  /** Other resource types the expression reads, indexed by key (e.g. flow logs by VPC id). */
  context: z.array(contextSchema).optional(),
  severity: z.enum(SEVERITIES),
  rationale: bilingualSchema,
  remediation: bilingualSchema,
  /** Requirement ids per catalog id that this control evidences. */
  requirements: z.record(catalogId, z.array(requirementId).min(1)),
});
export type ControlSpec = z.output<typeof controlSchema>;

export const controlsFileSchema = z.strictObject({
  controls: z.array(controlSchema).min(1),
});

/** A documentation page of the provider that states the claim next to it. */
const docUrl = z.url({ protocol: /^https$/, error: 'expected an https URL of the provider documentation page' });
/** A dotted path into the normalized resource (`region`, `configuration.storageEncrypted`, `supplementary.ReplicationConfiguration`). */
const fieldPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_@][A-Za-z0-9_-]*|\[\])*$/, 'expected a dotted field path such as "configuration.storageEncrypted"');

/** The checklist aspects the register drives: where data lives (9-6), its copies (9-6), transit (2-2), at rest (2-1). */
export const REGISTER_ASPECTS = ['residency', 'copies', 'transit', 'atRest'] as const;
export type RegisterAspect = (typeof REGISTER_ASPECTS)[number];

const copySchema = z.strictObject({
  /** How the data is copied elsewhere, in words (read replica, geo-replication, snapshot copy, replica key, replication rule…). */
  kind: nonEmpty,
  /** Field naming the destination (Region, location, bucket ARN…). */
  destinationField: fieldPath,
  docs: z.array(docUrl).min(1),
});

const registerTypeSchema = z.strictObject({
  /** The provider's type name as the inventory records it (AWS Config type, ARM type, Cloud Asset type). */
  type: nonEmpty,
  /** What it holds: customer data, the traffic carrying it, the keys protecting it, rules that copy it, or the placement of data holders. */
  holds: z.enum(['data', 'traffic', 'keys', 'copyRule', 'placement']),
  location: z.strictObject({
    /** regional: one region (or zone); global: no data location; multiRegion: a location spanning countries (GCP `asia`, `us`). */
    scope: z.enum(['regional', 'zonal', 'global', 'multiRegion', 'varies']),
    field: fieldPath,
  }),
  /** Every way the provider copies this type's data elsewhere, with the field that names where. */
  copies: z.array(copySchema).optional(),
  /** Endpoints serving this data: whether they can be plaintext and the field that says so; absent when the type serves none. */
  transit: z
    .strictObject({
      plaintextField: fieldPath.optional(),
      tlsMinimumField: fieldPath.optional(),
      docs: z.array(docUrl).min(1),
    })
    .optional(),
  /** At-rest encryption: the field that enables it (absent when always on) and the field naming a customer-managed key. */
  atRest: z
    .strictObject({
      enabledField: fieldPath.optional(),
      customerKeyField: fieldPath.optional(),
      docs: z.array(docUrl).min(1),
    })
    .optional(),
  /** Per aspect, the bundled controls that judge it for this type (checked against the controls' resourceTypes and requirements). */
  controls: z.partialRecord(z.enum(REGISTER_ASPECTS), z.array(controlId).min(1)).optional(),
  /** Per aspect, why kansa does not judge it for this type (one line, both languages); the alternative to `controls`. */
  notJudged: z.partialRecord(z.enum(REGISTER_ASPECTS), bilingualSchema).optional(),
  docs: z.array(docUrl).min(1),
});
export type RegisterType = z.output<typeof registerTypeSchema>;

/** mappings/registers/<provider>.yaml: every type that holds customer data or carries it, and how kansa judges each. */
export const registerFileSchema = z.strictObject({
  provider: z.enum(['aws', 'azure', 'gcp']),
  /** Where the type list comes from (the provider's own list of types). */
  typeListSource: docUrl,
  types: z.array(registerTypeSchema).min(1),
});
export type RegisterFile = z.output<typeof registerFileSchema>;

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

const glob = z.string().trim().min(1, 'expected a non-empty string or glob');

export const exceptionsFileSchema = z.strictObject({
  exceptions: z.array(
    z.strictObject({
      /** Stable id: named in findings, evidence and the kansa_exception_expiry_timestamp_seconds metric. */
      id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case exception id such as "dr-bucket-us-east-1"'),
      /** The control waived, or "*" for every control. */
      control: z.union([z.literal('*'), controlId]),
      /** Which findings: every given key must match (exact value or a glob with * and ?). At least one key. */
      match: z
        .strictObject({
          provider: z.enum(['aws', 'azure', 'gcp']).optional(),
          account: glob.optional(),
          region: glob.optional(),
          /** The finding's resource id (AWS resource id or ARN, Azure resource id, GCP asset name). */
          resource: glob.optional(),
          /** Every tag (label) listed must be present with a matching value. */
          tags: z.record(z.string().min(1), glob).optional(),
        })
        .refine((m) => Object.keys(m).length > 0, 'expected at least one of provider, account, region, resource, tags'),
      /** Why the deviation is acceptable (e.g. for 9-6: operated under Japanese law), in Japanese and English. */
      justification: bilingualSchema,
      /** Who approved the exception (role and name). */
      approvedBy: nonEmpty,
      /** YYYY-MM-DD, the last day the exception applies (UTC). Required: exceptions must not outlive their reason. */
      expires: isoDate,
      /** Where the approval is recorded (ticket, document id). */
      reference: nonEmpty.optional(),
    }),
  ),
});
export type ExceptionsFile = z.output<typeof exceptionsFileSchema>;
