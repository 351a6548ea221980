/**
 * Resource Graph on the sandbox: the request read the way Resource Graph reads it, and the per-user quota.
 *
 * Query: the `resources` table, or `recoveryservicesresources` / `securityresources` (the types each holds:
 * estate/azure-tables.ts; resource-graph/reference/supported-tables-resources), and the tabular operators the
 * sandbox evaluates — `where type in~ (…)`, `where type =~ '…'`, `where type == '…'`, `where name in~ (…)`, `project c1, c2, …`, `order by` / `sort by` (accepted; rows always
 * come in one stable order, which is what paging needs: resource-graph/concepts/paging-results), `limit` /
 * `take`. Any other operator or an unknown column is a 400, as Resource Graph answers a query it cannot resolve.
 * Options (REST `QueryRequestOptions`): `$top` 1…1000 (default 1,000: "By default, Resource Graph limits any
 * query to returning only 1,000 records", resource-graph/concepts/work-with-data), `$skip` (ignored when the
 * query has `limit` or `take`, same page), `$skipToken`, `resultFormat` `objectArray` (the default since
 * api-version 2021-03-01) or `table`.
 * Paging (resource-graph/concepts/paging-results): `$skipToken` while rows remain; no `$skipToken` and
 * `resultTruncated: true` instead when paging is not possible — the query has `limit` / `take`, or every
 * output column is `dynamic` — and `count` < `totalRecords`.
 *
 * Quota (resource-graph/concepts/guidance-for-throttled-requests): a number of queries per user per time
 * window; every query response carries `x-ms-user-quota-remaining` (int) and `x-ms-user-quota-resets-after`
 * (hh:mm:ss); when the window ends both reset. A query over quota is throttled (429). That guidance documents
 * no `Retry-After` for Resource Graph, so none is sent.
 */
import { SandboxApiError } from './http.js';
import { GRAPH_TABLES } from './estate/azure-tables.js';

/** Resource Graph returns at most 1,000 rows a page (`$top` ≤ 1000). */
export const RESOURCE_GRAPH_MAX_PAGE = 1000;
/** The page when `$top` is absent (work-with-data: 1,000 records by default). */
export const RESOURCE_GRAPH_DEFAULT_PAGE = 1000;
export const QUOTA_REMAINING_HEADER = 'x-ms-user-quota-remaining';
export const QUOTA_RESETS_AFTER_HEADER = 'x-ms-user-quota-resets-after';

/** Columns of the sandbox's `resources` rows; `object` ones are Kusto `dynamic`. */
export const GRAPH_COLUMNS: Readonly<Record<string, 'string' | 'object'>> = {
  id: 'string',
  name: 'string',
  type: 'string',
  tenantId: 'string',
  kind: 'string',
  location: 'string',
  resourceGroup: 'string',
  subscriptionId: 'string',
  managedBy: 'string',
  sku: 'object',
  plan: 'object',
  properties: 'object',
  tags: 'object',
  identity: 'object',
  zones: 'object',
  extendedLocation: 'object',
};

export interface GraphRequest {
  readonly subscriptions: readonly string[];
  /** Lower-cased table name: `resources` or one of GRAPH_TABLES. */
  readonly table: string;
  /** Lower-cased names every `where name in~` allows; undefined: no name filter. */
  readonly names?: readonly string[];
  /** Lower-cased types every `where` allows; undefined: no type filter. */
  readonly types?: readonly string[];
  /** Output columns, in order; undefined: every column. */
  readonly project?: readonly string[];
  /** `limit` / `take`. */
  readonly take?: number;
  readonly top: number;
  readonly skip: number;
  readonly skipToken?: string;
  readonly resultFormat: 'objectArray' | 'table';
  /** Ties a `$skipToken` to the query and scope it was issued for. */
  readonly queryKey: string;
}

function invalidQuery(detail: string): SandboxApiError {
  return new SandboxApiError(400, 'BadRequest', `Please provide below info when asking for support: Query is invalid. ${detail}`);
}

/** Splits on `|` and `,` outside quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === separator) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function literals(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
}

function parseQuery(query: string): { table: string; types?: string[]; names?: string[]; project?: string[]; take?: number } {
  const [rawTable = '', ...stages] = splitOutsideQuotes(query, '|');
  // Table names are case-insensitive in Resource Graph's KQL (RecoveryServicesResources, recoveryservicesresources).
  const table = rawTable.toLowerCase();
  if (table !== 'resources' && GRAPH_TABLES[table] === undefined) throw invalidQuery(`the sandbox serves the tables resources, ${Object.keys(GRAPH_TABLES).join(', ')}, got '${rawTable.slice(0, 80)}'`);
  let types: string[] | undefined;
  let names: string[] | undefined;
  let project: string[] | undefined;
  let take: number | undefined;
  for (const stage of stages) {
    let m: RegExpExecArray | null;
    if ((m = /^where\s+type\s+in~\s*\(([^)]*)\)$/i.exec(stage))) {
      const allowed = literals(m[1] ?? '').map((t) => t.toLowerCase());
      types = types ? types.filter((t) => allowed.includes(t)) : allowed;
    } else if ((m = /^where\s+type\s*(=~|==)\s*('[^']*'|"[^"]*")$/i.exec(stage))) {
      // `type` values are lower-case in Resource Graph: `==` matches only a lower-case literal.
      const literal = literals(m[2] ?? '')[0] ?? '';
      const allowed = m[1] === '==' ? (literal === literal.toLowerCase() ? [literal] : []) : [literal.toLowerCase()];
      types = types ? types.filter((t) => allowed.includes(t)) : allowed;
    } else if ((m = /^where\s+name\s+in~\s*\(([^)]*)\)$/i.exec(stage))) {
      const allowed = literals(m[1] ?? '').map((n) => n.toLowerCase());
      names = names ? names.filter((n) => allowed.includes(n)) : allowed;
    } else if ((m = /^project\s+(.+)$/i.exec(stage))) {
      const columns = splitOutsideQuotes(m[1] ?? '', ',');
      for (const c of columns) if (!(c in GRAPH_COLUMNS)) throw invalidQuery(`Failed to resolve scalar expression named '${c}'.`);
      // A later `project` can only narrow an earlier one.
      for (const c of columns) if (project && !project.includes(c)) throw invalidQuery(`Failed to resolve scalar expression named '${c}'.`);
      project = columns;
    } else if ((m = /^(?:order|sort)\s+by\s+(\w+)(?:\s+(asc|desc))?$/i.exec(stage))) {
      const column = m[1] ?? '';
      if (!(column in GRAPH_COLUMNS) || (project && !project.includes(column))) throw invalidQuery(`Failed to resolve scalar expression named '${column}'.`);
    } else if ((m = /^(?:limit|take)\s+(\d+)$/i.exec(stage))) {
      take = Math.min(take ?? Infinity, Number(m[1]));
    } else {
      throw invalidQuery(`the sandbox does not evaluate '${stage.slice(0, 80)}'.`);
    }
  }
  return { table, ...(types ? { types } : {}), ...(names ? { names } : {}), ...(project ? { project } : {}), ...(take !== undefined ? { take } : {}) };
}

export function parseGraphRequest(body: Buffer): GraphRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SandboxApiError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  const request = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { subscriptions?: unknown; query?: unknown; options?: { $top?: unknown; $skip?: unknown; $skipToken?: unknown; resultFormat?: unknown } };
  const query = typeof request.query === 'string' ? request.query : '';
  const subscriptions = Array.isArray(request.subscriptions) ? request.subscriptions.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()) : [];
  if (subscriptions.length === 0) throw new SandboxApiError(400, 'BadRequest', 'The sandbox needs explicit subscriptions in the query request.');
  const options = request.options ?? {};
  const top = options.$top;
  if (top !== undefined && (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > RESOURCE_GRAPH_MAX_PAGE)) throw new SandboxApiError(400, 'BadRequest', `$top must be between 1 and ${RESOURCE_GRAPH_MAX_PAGE}.`);
  const skip = options.$skip;
  if (skip !== undefined && (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0)) throw new SandboxApiError(400, 'BadRequest', '$skip must be a non-negative integer.');
  const format = options.resultFormat ?? 'objectArray';
  if (format !== 'objectArray' && format !== 'table') throw new SandboxApiError(400, 'BadRequest', `resultFormat must be 'table' or 'objectArray', got '${JSON.stringify(format)}'.`);
  const skipToken = typeof options.$skipToken === 'string' ? options.$skipToken : undefined;
  const parsedQuery = parseQuery(query);
  return {
    subscriptions,
    ...parsedQuery,
    top: typeof top === 'number' ? top : RESOURCE_GRAPH_DEFAULT_PAGE,
    // "skip is ignored if the query uses limit or take" (work-with-data).
    skip: typeof skip === 'number' && parsedQuery.take === undefined ? skip : 0,
    ...(skipToken !== undefined ? { skipToken } : {}),
    resultFormat: format,
    queryKey: `${subscriptions.join(',')}|${query}`,
  };
}

/** Paging needs a non-dynamic output column and no `limit` / `take`. */
export function pageable(request: GraphRequest): boolean {
  const columns = request.project ?? Object.keys(GRAPH_COLUMNS);
  return request.take === undefined && columns.some((c) => GRAPH_COLUMNS[c] !== 'object');
}

/** One row as the request asks for it: projected, as an object or (table format) an array. */
export function shapeRows(rows: readonly Record<string, unknown>[], request: GraphRequest): unknown {
  const columns = request.project ?? Object.keys(GRAPH_COLUMNS);
  if (request.resultFormat === 'table') {
    return { columns: columns.map((name) => ({ name, type: GRAPH_COLUMNS[name] ?? 'string' })), rows: rows.map((row) => columns.map((c) => row[c] ?? null)) };
  }
  return request.project ? rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))) : rows;
}

export function encodeSkipToken(queryKey: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: queryKey, o: offset })).toString('base64');
}

export function decodeSkipToken(token: string, queryKey: string): number {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { q?: unknown; o?: unknown };
    if (value.q === queryKey && typeof value.o === 'number') return value.o;
  } catch {
    // fall through
  }
  throw new SandboxApiError(400, 'BadRequest', 'The $skipToken is invalid or does not belong to this query.');
}

/** `hh:mm:ss`, whole seconds rounded up, so waiting that long always reaches the reset. */
export function formatResetsAfter(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export interface QuotaDecision {
  readonly allowed: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The per-user query quota: fixed windows of `windowSeconds` starting at the first query after the last
 * window ended; `queries` allowed in each. The sandbox has one credential, so one user.
 */
export class GraphQuota {
  private windowStart: number | undefined;
  private used = 0;

  constructor(
    private readonly limit: { readonly queries: number; readonly windowSeconds: number },
    private readonly now: () => number,
  ) {}

  take(): QuotaDecision {
    const t = this.now();
    const windowMs = this.limit.windowSeconds * 1000;
    if (this.windowStart === undefined || t >= this.windowStart + windowMs) {
      this.windowStart = t;
      this.used = 0;
    }
    const resetsAfter = formatResetsAfter(this.windowStart + windowMs - t);
    if (this.used >= this.limit.queries) return { allowed: false, headers: { [QUOTA_REMAINING_HEADER]: '0', [QUOTA_RESETS_AFTER_HEADER]: resetsAfter } };
    this.used++;
    return { allowed: true, headers: { [QUOTA_REMAINING_HEADER]: String(this.limit.queries - this.used), [QUOTA_RESETS_AFTER_HEADER]: resetsAfter } };
  }

  /** Time until the current window ends (a whole window when none is open), without spending a query. */
  resetsAfterMs(): number {
    const t = this.now();
    const windowMs = this.limit.windowSeconds * 1000;
    return this.windowStart === undefined || t >= this.windowStart + windowMs ? windowMs : this.windowStart + windowMs - t;
  }
}
