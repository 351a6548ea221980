/**
 * OSCAL 1.0.6 exports (JSON): the catalog as an OSCAL catalog, and an assessment as OSCAL assessment
 * results. Identifiers are name-based UUIDs, so the same input always gives the same document, and
 * the catalog's UUIDs and control ids are the ones the assessment results point at.
 *
 * Mapping:
 * - requirement "2-6" → catalog control `req-2-6`, its Japanese text the statement part `req-2-6_smt`;
 *   kansa controls that evidence it → `assessment` parts (method TEST), attestations → method EXAMINE.
 * - finding (control × resource) → observation (method TEST) whose subject is an inventory item;
 *   attestation → observation (method EXAMINE) with the evidence reference and expiry;
 *   requirement verdict → finding targeting the statement, related to those observations;
 *   collection scope → assessment-log entry (errors, coverage state and each gap with its reason included);
 *   exception → back-matter resource (justification, approver, expiry, state, matched and waived
 *   counts) that each waived observation names in its props and links to.
 * The assessment results are written in the report language (`lang`): finding and requirement reasons,
 * remediation (in the remarks of each failing observation), exception justifications, requirement
 * titles, rationale and notes. Status props stay codes (`fail`, `waived`, `noncompliant`).
 */
import type { ExceptionResult, Finding, RequirementResult, RequirementState } from '../evaluate/assessment.js';
import type { Catalog, Requirement } from '../mappings/catalog.js';
import { controlsEvidencing, type Control } from '../mappings/controls.js';
import { coverageState, type CollectionScope } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import { LABELS, type Labels } from './i18n.js';
import {
  categoryViews,
  controlTitle,
  exceptionsById,
  findingReason,
  requirementReason,
  requirementTitle,
  type ReportInput,
  type ReportLanguage,
  type SnapshotInfo,
  unverifiedSource,
} from './model.js';
import { stableUuid } from './uuid.js';

export const OSCAL_VERSION = '1.0.6';
/** Namespace of kansa's own property names (OSCAL requires a URI). */
export const KANSA_OSCAL_NS = 'urn:kansa:oscal';

// Only the shapes kansa emits; the NIST JSON Schema (validated in tests) is the authority.
type Prop = { readonly name: string; readonly value: string; readonly ns?: string };
type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { readonly [key: string]: Json | undefined };

/** OSCAL strings may not be empty or carry leading, trailing or line-breaking whitespace. */
function oscalString(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** An OSCAL token (XML NCName): letters, digits, `.`, `-`, `_`, starting with a letter or `_`. */
export function oscalToken(text: string): string {
  const cleaned = text.replace(/[^\p{L}\p{N}._-]/gu, '_');
  return /^[\p{L}_]/u.test(cleaned) ? cleaned : `_${cleaned}`;
}

export function oscalControlId(requirementId: string): string {
  return oscalToken(`req-${requirementId}`);
}

export function oscalStatementId(requirementId: string): string {
  return `${oscalControlId(requirementId)}_smt`;
}

function prop(name: string, value: string | undefined, ns: string | undefined = KANSA_OSCAL_NS): Prop[] {
  const v = value === undefined ? '' : oscalString(value);
  if (v === '') return [];
  return [ns === undefined ? { name, value: v } : { name, value: v, ns }];
}

/** Arrays in OSCAL must not be empty: omit the key instead. */
function nonEmpty<T>(items: readonly T[]): readonly T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** Serializes; an empty array anywhere is dropped with its key, since OSCAL arrays need an item. */
function stringify(document: JsonObject): string {
  return `${JSON.stringify(document, (key, value: unknown) => (key !== '' && Array.isArray(value) && value.length === 0 ? undefined : value), 2)}\n`;
}

export function catalogUuid(catalog: Pick<Catalog, 'id' | 'version'>): string {
  return stableUuid('catalog', catalog.id, catalog.version);
}

// ---------------------------------------------------------------------------------------------
// Catalog

export interface OscalCatalogOptions {
  /** metadata.last-modified: when this export was made (the catalog file records no date). */
  readonly lastModified: string;
}

function catalogControl(catalog: Catalog, requirement: Requirement, controls: readonly Control[]): JsonObject {
  const id = oscalControlId(requirement.id);
  const evidencing = controlsEvidencing(catalog, requirement, controls);
  const assessments: JsonObject[] = evidencing.map((c) => ({
    id: oscalToken(`${id}_asm-${c.id}`),
    name: 'assessment',
    title: oscalString(c.titleEn),
    props: [...prop('method', 'TEST', undefined), ...prop('control-id', c.id), ...prop('provider', c.provider), ...prop('severity', c.severity), ...prop('title-ja', c.titleJa)],
    prose: `${c.rationale.en}\n\nRemediation: ${c.remediation.en}`,
  }));
  if (requirement.automation !== 'automated') {
    assessments.push({
      id: `${id}_asm-attestation`,
      name: 'assessment',
      title: 'Attestation',
      props: prop('method', 'EXAMINE', undefined),
      prose: 'An attestation in force is required: statement, evidence reference, owner, date attested and expiry.',
    });
  }
  const guidance = requirement.textNote ? `${requirement.rationale.en}\n\nNote: ${requirement.textNote.en}` : requirement.rationale.en;
  return {
    id,
    class: 'requirement',
    title: oscalString(requirement.titleEn),
    props: [...prop('label', requirement.id, undefined), ...prop('automation', requirement.automation)],
    parts: [
      { id: oscalStatementId(requirement.id), name: 'statement', props: prop('language', 'ja'), prose: requirement.textJa },
      { id: `${id}_gdn`, name: 'guidance', prose: guidance },
      ...assessments,
    ],
  };
}

export function renderOscalCatalog(catalog: Catalog, controls: readonly Control[], options: OscalCatalogOptions): string {
  const groups = catalog.categories
    .map((category) => ({ category, requirements: catalog.requirements.filter((r) => r.category.id === category.id) }))
    .filter((g) => g.requirements.length > 0)
    .map(
      ({ category, requirements }): JsonObject => ({
        id: oscalToken(`cat-${category.id}`),
        class: 'category',
        title: oscalString(category.nameEn),
        props: [...prop('label', category.id, undefined), ...prop('title-ja', category.nameJa)],
        controls: requirements.map((r) => catalogControl(catalog, r, controls)),
      }),
    );
  return stringify({
    catalog: {
      uuid: catalogUuid(catalog),
      metadata: {
        title: oscalString(`${catalog.titleJa} (${catalog.titleEn})`),
        'last-modified': options.lastModified,
        version: oscalString(catalog.version),
        'oscal-version': OSCAL_VERSION,
        props: [...prop('catalog-id', catalog.id), ...prop('title-ja', catalog.titleJa), ...prop('title-en', catalog.titleEn)],
        remarks: 'Exported by kansa. Requirement text is the Japanese original (statement parts); titles and guidance are English.',
      },
      groups: nonEmpty(groups),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Assessment results

export interface OscalResultsOptions {
  readonly toolVersion?: string;
  /** Language of what kansa wrote in the results (default: Japanese, as the other reports). */
  readonly lang?: ReportLanguage;
}

/** Sentences only the OSCAL results write, in both languages (labels come from i18n.ts). */
const OSCAL_TEXT = {
  ja: {
    collected: (types: string) => `収集しました（${types}）。`,
    allTypes: 'すべてのリソース種別',
    failed: (error: string) => `収集に失敗しました: ${error}`,
    stale: (at: string, error: string) => `データが古くなっています（最後に成功した収集 ${at}）: ${error}`,
    gap: (types: string, reason: Bilingual) => `収集していない種別 ${types}: ${reason.ja}`,
    unreadable: (n: number) => `読み取れない項目 ${n} 件（この範囲のこのプロバイダのコントロールはすべて判定不能）。`,
    withoutSupplementary: '補足設定（supplementaryConfiguration）なし: これを読むコントロールは判定不能。',
    result: (n: number, catalog: string, s: Readonly<Record<RequirementState, number>>) =>
      `${catalog} の ${n} 項目の自動評価: 適合 ${s.compliant}、不適合 ${s.noncompliant}、判定不能 ${s.unknown}、未評価 ${s.not_assessed}。`,
    attestationTitle: (id: string) => `${id} の確認書`,
    attested: (owner: string, evidence: string) => `${owner} による確認。根拠資料: ${evidence}`,
    exceptionTitle: (id: string) => `例外 ${id}`,
    waiver: (e: ExceptionResult, t: Labels) => `${t.waivedBy(e.id)}（${t.approvedBy}: ${e.approvedBy}、${t.expires}: ${e.expires}、${t.exceptionState[e.state]}）。${t.justification}: ${e.justification.ja}`,
  },
  en: {
    collected: (types: string) => `Collected ${types}.`,
    allTypes: 'all resource types',
    failed: (error: string) => `Collection failed: ${error}`,
    stale: (at: string, error: string) => `Data is stale (last successful collection ${at}): ${error}`,
    gap: (types: string, reason: Bilingual) => `Not collected: ${types}: ${reason.en}`,
    unreadable: (n: number) => `${n} unreadable items (every control of this provider is unknown in this scope).`,
    withoutSupplementary: 'No supplementary configuration: controls that read it are unknown.',
    result: (n: number, catalog: string, s: Readonly<Record<RequirementState, number>>) =>
      `Automated assessment of ${n} requirements of ${catalog}: ${s.compliant} compliant, ${s.noncompliant} noncompliant, ${s.unknown} unknown, ${s.not_assessed} not assessed.`,
    attestationTitle: (id: string) => `Attestation for ${id}`,
    attested: (owner: string, evidence: string) => `Attested by ${owner}; evidence: ${evidence}`,
    exceptionTitle: (id: string) => `Exception ${id}`,
    waiver: (e: ExceptionResult, t: Labels) => `${t.waivedBy(e.id)} (${t.approvedBy}: ${e.approvedBy}; ${t.expires}: ${e.expires}; ${t.exceptionState[e.state]}). ${t.justification}: ${e.justification.en}`,
  },
} as const;
type OscalText = (typeof OSCAL_TEXT)[ReportLanguage];

const TARGET_STATUS: Readonly<Record<RequirementState, { readonly state: 'satisfied' | 'not-satisfied'; readonly reason: 'pass' | 'fail' | 'other' }>> = {
  compliant: { state: 'satisfied', reason: 'pass' },
  noncompliant: { state: 'not-satisfied', reason: 'fail' },
  // OSCAL has two states; a verdict kansa could not reach is not a claim of satisfaction.
  unknown: { state: 'not-satisfied', reason: 'other' },
  not_assessed: { state: 'not-satisfied', reason: 'other' },
};

function resourceKey(f: Pick<Finding, 'provider' | 'account' | 'region' | 'resourceType' | 'resourceId'>): readonly string[] {
  return [f.provider, f.account, f.region, f.resourceType, f.resourceId];
}

function scopeTime(scope: CollectionScope): string {
  switch (scope.outcome.status) {
    case 'ok':
      return scope.outcome.collectedAt;
    case 'failed':
      return scope.outcome.at;
    case 'stale':
      return scope.outcome.lastSuccessAt;
  }
}

function scopeOutcome(scope: CollectionScope, o: OscalText): string {
  switch (scope.outcome.status) {
    case 'ok':
      return o.collected(scope.types === 'all' ? o.allTypes : scope.types.join(', '));
    case 'failed':
      return o.failed(scope.outcome.error);
    case 'stale':
      return o.stale(scope.outcome.lastSuccessAt, scope.outcome.error);
  }
}

/** The outcome, then what the scope did not cover: each gap with its reason, unreadable items, missing side documents. */
function scopeDescription(scope: CollectionScope, o: OscalText): string {
  return [
    scopeOutcome(scope, o),
    ...(scope.gaps ?? []).map((g) => o.gap(g.types.join(', '), g.reason)),
    ...(scope.unreadable ? [o.unreadable(scope.unreadable)] : []),
    ...(scope.supplementary === false ? [o.withoutSupplementary] : []),
  ].join('\n');
}

/** Digest `sha256:<hex>` (or bare hex) as an OSCAL hash, when recognisable. */
function manifestHash(digest: string | undefined): JsonObject[] {
  if (!digest) return [];
  const match = /^(?:sha-?256:)?([0-9a-f]{64})$/i.exec(digest);
  return match?.[1] ? [{ algorithm: 'SHA-256', value: match[1].toLowerCase() }] : [];
}

function snapshotResource(snapshot: SnapshotInfo): JsonObject {
  const hashes = manifestHash(snapshot.manifestDigest);
  const href = encodeURI(`${snapshot.dir.replace(/\/+$/, '')}/manifest.json`);
  return {
    uuid: stableUuid('snapshot', snapshot.dir, snapshot.manifestDigest ?? ''),
    title: 'kansa evidence snapshot manifest',
    description: `Evidence snapshot ${snapshot.dir}: manifest, assessment and normalized inventory. Signature: ${snapshot.signature.state}.${snapshot.verification && !snapshot.verification.ok ? ` EVIDENCE DOES NOT VERIFY: ${snapshot.verification.problems.join('; ')}` : ''}`,
    props: [
      ...prop('manifest-digest', snapshot.manifestDigest),
      ...prop('signature-status', snapshot.signature.state),
      ...prop('evidence-verification', snapshot.verification === undefined ? undefined : snapshot.verification.ok ? 'verified' : 'does-not-verify'),
    ],
    rlinks: [{ href, 'media-type': 'application/json', hashes: nonEmpty(hashes) }],
  };
}

function attestationObservation(input: ReportInput, result: RequirementResult, o: OscalText): JsonObject | undefined {
  const a = result.attestation;
  if (!a) return undefined;
  return {
    uuid: stableUuid('attestation', input.assessment.catalog.id, result.id, a.owner, a.evidence, a.attested, a.expires),
    title: o.attestationTitle(result.id),
    // The statement (確認内容) is the attestation's own words; without one, who attested and on what.
    description: a.statement ? a.statement : o.attested(a.owner, a.evidence),
    props: [
      ...prop('requirement', result.id),
      ...prop('attestation-owner', a.owner),
      ...prop('attestation-state', a.state),
      ...prop('attested', a.attested),
      ...prop('expires', a.expires),
    ],
    methods: ['EXAMINE'],
    'relevant-evidence': [{ description: a.evidence }],
    ...(a.statement ? { remarks: o.attested(a.owner, a.evidence) } : {}),
    collected: `${a.attested}T00:00:00Z`,
    // The attestation holds through its last day (UTC), as the metrics and the evaluation count it.
    expires: `${a.expires}T23:59:59Z`,
  };
}

function exceptionUuid(e: ExceptionResult): string {
  return stableUuid('exception', e.id);
}

function exceptionResource(e: ExceptionResult, lang: ReportLanguage, o: OscalText): JsonObject {
  return {
    uuid: exceptionUuid(e),
    title: o.exceptionTitle(e.id),
    description: e.justification[lang],
    props: [
      ...prop('exception-id', e.id),
      ...prop('control-id', e.control),
      ...prop('exception-state', e.state),
      ...prop('expires', e.expires),
      ...prop('approved-by', e.approvedBy),
      ...prop('reference', e.reference),
      ...prop('matched', String(e.matched)),
      ...prop('waived', String(e.waived)),
    ],
  };
}

export function renderOscalAssessmentResults(input: ReportInput, options: OscalResultsOptions = {}): string {
  const { assessment, catalog, snapshot } = input;
  const lang = options.lang ?? 'ja';
  const t = LABELS[lang];
  const o = OSCAL_TEXT[lang];
  const at = assessment.generatedAt;
  const controls = new Map(input.controls.map((c) => [c.id, c]));
  const exceptions = exceptionsById(assessment);
  const toolUuid = stableUuid('component', 'kansa');
  const unverified = unverifiedSource(input);

  const inventory = new Map<string, { uuid: string; item: JsonObject }>();
  const inventoryUuid = (f: Finding): string => {
    const key = JSON.stringify(resourceKey(f));
    let entry = inventory.get(key);
    if (!entry) {
      const uuid = stableUuid('inventory-item', ...resourceKey(f));
      entry = {
        uuid,
        item: {
          uuid,
          description: `${f.resourceType} ${f.resourceId}`,
          props: [
            ...prop('provider', f.provider),
            ...prop('account', f.account),
            ...prop('region', f.region),
            ...prop('resource-type', f.resourceType),
            ...prop('resource-id', f.resourceId),
          ],
        },
      };
      inventory.set(key, entry);
    }
    return entry.uuid;
  };

  const collectedAt = new Map(assessment.coverage.map((s) => [`${s.provider}|${s.account}|${s.region}`, scopeTime(s)]));
  const observations: JsonObject[] = [];
  const observationOf = new Map<Finding, string>();
  const used = new Set<string>();
  for (const f of assessment.findings) {
    let uuid = stableUuid('observation', at, f.control, ...resourceKey(f));
    // Two findings for the same control × resource cannot happen today; stay unique if they ever do.
    for (let n = 1; used.has(uuid); n++) uuid = stableUuid('observation', at, f.control, ...resourceKey(f), String(n));
    used.add(uuid);
    observationOf.set(f, uuid);
    const control = controls.get(f.control);
    const exception = f.exception === undefined ? undefined : exceptions.get(f.exception);
    const remarks: string[] = [];
    if (f.status === 'fail' && control) remarks.push(`${t.remediation}: ${control.remediation[lang]}`);
    if (f.exception !== undefined) remarks.push(exception ? o.waiver(exception, t) : `${t.waivedBy(f.exception)} ${t.exceptionUnknown}`);
    observations.push({
      uuid,
      title: `${f.control}: ${f.resourceId}`,
      description: `${t.findingStatus[f.status]}: ${findingReason(f, lang) ?? (control ? controlTitle(control, lang) : f.control)}${f.observed ? ` (${t.observed}: ${f.observed})` : ''}`,
      props: [
        ...prop('control-id', f.control),
        ...prop('finding-status', f.status),
        ...prop('severity', f.severity),
        ...prop('scope', f.scope),
        ...prop('observed', f.observed),
        ...prop('exception-id', f.exception),
        ...prop('exception-state', exception?.state),
        ...prop('exception-approved-by', exception?.approvedBy),
        ...prop('exception-expires', exception?.expires),
      ],
      links: exception ? [{ href: `#${exceptionUuid(exception)}`, rel: 'reference', text: o.exceptionTitle(exception.id) }] : undefined,
      methods: ['TEST'],
      origins: [{ actors: [{ type: 'tool', 'actor-uuid': toolUuid }] }],
      subjects: [{ 'subject-uuid': inventoryUuid(f), type: 'inventory-item', title: `${f.resourceType} ${f.resourceId}` }],
      collected: collectedAt.get(`${f.provider}|${f.account}|${f.region}`) ?? at,
      remarks: remarks.length > 0 ? remarks.join('\n\n') : undefined,
    });
  }

  const findings: JsonObject[] = [];
  for (const category of categoryViews(input)) {
    for (const view of category.requirements) {
      const { requirement: r, result } = view;
      const related = view.controls.flatMap((c) => c.findings.map((f) => observationOf.get(f))).filter((u): u is string => u !== undefined);
      const attestation = attestationObservation(input, result, o);
      if (attestation) {
        observations.push(attestation);
        related.push(attestation['uuid'] as string);
      }
      const status = TARGET_STATUS[result.status];
      const remarks = [`${t.rationale}: ${r.rationale[lang]}`, ...(r.textNote ? [`${t.note}: ${r.textNote[lang]}`] : [])];
      findings.push({
        uuid: stableUuid('finding', at, catalog.id, r.id),
        title: oscalString(`${r.id} ${requirementTitle(r, lang)}`),
        description: `${t.requirementState[result.status]}: ${requirementReason(result, lang)}`,
        props: [...prop('requirement-status', result.status), ...prop('automation', r.automation), ...prop('category', r.category.id), ...prop('label', r.id, undefined)],
        target: {
          type: 'statement-id',
          'target-id': oscalStatementId(r.id),
          title: oscalString(r.textJa),
          status: { state: status.state, reason: status.reason, remarks: t.verdictRemark(`${t.requirementState[result.status]} (${result.status})`) },
        },
        'related-observations': nonEmpty(related.map((uuid) => ({ 'observation-uuid': uuid }))),
        remarks: remarks.join('\n\n'),
      });
    }
  }

  const logEntries = assessment.coverage.map(
    (s): JsonObject => ({
      uuid: stableUuid('collection', at, s.provider, s.account, s.region),
      title: `Collection ${s.provider} ${s.account} ${s.region || '-'}: ${s.outcome.status}`,
      description: scopeDescription(s, o),
      start: scopeTime(s),
      props: [
        ...prop('provider', s.provider),
        ...prop('account', s.account),
        ...prop('region', s.region),
        ...prop('collection-status', s.outcome.status),
        ...prop('coverage-state', coverageState(s)),
        ...prop('unreadable-items', s.unreadable ? String(s.unreadable) : undefined),
        ...prop('resource-types', s.types === 'all' ? 'all' : s.types.join(' ')),
      ],
    }),
  );

  const methodUuid = stableUuid('assessment-method', catalog.id, catalog.version);
  const summary = assessment.summary;
  const resources: JsonObject[] = [
    {
      uuid: methodUuid,
      title: 'kansa continuous assessment method',
      description:
        'No separate OSCAL assessment plan exists: kansa collects cloud configuration (read-only inventory APIs), evaluates each control (a CEL expression over every resource of its types) and combines the results with attestations for manual and partial items.',
      props: [...prop('catalog-id', catalog.id), ...prop('catalog-version', catalog.version)],
    },
    {
      uuid: catalogUuid(catalog),
      title: oscalString(`${catalog.titleJa} (${catalog.titleEn})`),
      description: 'The requirement catalog assessed; `kansa report --catalog-oscal` exports it as an OSCAL catalog with this UUID.',
      props: [...prop('catalog-id', catalog.id), ...prop('catalog-version', catalog.version)],
    },
    ...(snapshot ? [snapshotResource(snapshot)] : []),
    ...assessment.exceptions.map((e) => exceptionResource(e, lang, o)),
  ];

  return stringify({
    'assessment-results': {
      uuid: stableUuid('assessment-results', assessment.catalog.id, assessment.catalog.version, at, snapshot?.manifestDigest ?? ''),
      metadata: {
        title: oscalString(`${catalog.titleJa} — kansa assessment results ${at}`),
        'last-modified': at,
        version: at,
        'oscal-version': OSCAL_VERSION,
        props: [
          ...prop('catalog-id', assessment.catalog.id),
          ...prop('catalog-version', assessment.catalog.version),
          ...prop('tool-version', options.toolVersion),
          ...prop('language', lang),
        ],
      },
      'import-ap': { href: `#${methodUuid}`, remarks: 'Points at the back-matter resource that describes kansa\'s assessment method.' },
      results: [
        {
          uuid: stableUuid('result', assessment.catalog.id, at, snapshot?.manifestDigest ?? ''),
          title: oscalString(`kansa assessment ${at}`),
          description: o.result(assessment.requirements.length, `${catalog.id} ${catalog.version}`, summary),
          start: at,
          end: at,
          props: [
            ...prop('count-compliant', String(summary.compliant)),
            ...prop('count-noncompliant', String(summary.noncompliant)),
            ...prop('count-unknown', String(summary.unknown)),
            ...prop('count-not-assessed', String(summary.not_assessed)),
            ...prop('count-waived-findings', String(assessment.findings.filter((f) => f.status === 'waived').length)),
            ...prop('manifest-digest', snapshot?.manifestDigest),
            ...prop('signature-status', snapshot?.signature.state),
            // A JSON file's provenance: its digest, its detached signature and who signed it.
            ...prop('source-file-digest', input.source?.digest),
            ...prop('source-signature-status', input.source?.signature.state),
            ...prop('source-signature-key', input.source?.signature.state === 'valid' ? input.source.signature.fingerprint : undefined),
            ...prop('source-verification', unverified ? `unverified-${unverified.cause}` : input.source || snapshot?.verification ? 'verified' : undefined),
          ],
          remarks: unverified ? oscalString(`${t.unverifiedTitle[snapshot ? 'snapshot' : 'file'][unverified.cause]}. ${t.unverifiedDetail[snapshot ? 'snapshot' : 'file'][unverified.cause]}${unverified.problems.length > 0 ? ` (${unverified.problems.join('; ')})` : ''}`) : undefined,
          'local-definitions': {
            components: [
              {
                uuid: toolUuid,
                type: 'software',
                title: 'kansa',
                description: 'kansa compliance agent: collects cloud configuration and evaluates it against the catalog.',
                props: nonEmpty(prop('version', options.toolVersion)),
                status: { state: 'operational' },
              },
            ],
            'inventory-items': nonEmpty([...inventory.values()].map((e) => e.item)),
          },
          'reviewed-controls': {
            'control-selections': [{ 'include-controls': catalog.requirements.map((r) => ({ 'control-id': oscalControlId(r.id) })) }],
          },
          'assessment-log': logEntries.length > 0 ? { entries: logEntries } : undefined,
          observations: nonEmpty(observations),
          findings: nonEmpty(findings),
        },
      ],
      'back-matter': { resources },
    },
  });
}
