/**
 * Resources that wait for their contexts (deferred records) keep only what their control's CEL reads: at a
 * million resources, whole configuration documents of every waiting disk are most of the engine's memory.
 * The fields read are found in the CEL sources; anything the analysis cannot bound keeps the whole part.
 */
import type { Resource } from '../model/resource.js';

/** A path tree of what is read: `true` keeps the value whole, a map keeps only the named fields of an object. */
type ReadTree = true | Map<string, ReadTree>;

/** The parts of a resource that can be pruned; identity (account, region, type, id, name, arn, tags…) is always kept. */
const PRUNABLE = ['configuration', 'supplementary', 'relationships'] as const;

/** String literals (single, double, triple-quoted, raw) removed, so words inside messages are not read as fields. */
function withoutStrings(source: string): string {
  return source.replace(/[rR]?('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/g, '""');
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * The fields of `resource` the CEL sources read, as a tree; `undefined` when a use cannot be bounded (the
 * resource passed whole, indexed by a computed key). A field path ends before a method call
 * (`region.startsWith(…)`), an index (`disks[0]`) or a macro (`rules.exists(…)`): what follows reads inside it.
 */
export function fieldsRead(sources: readonly string[]): Map<string, ReadTree> | undefined {
  const root = new Map<string, ReadTree>();
  for (const raw of sources) {
    const source = withoutStrings(raw);
    const uses = /(?<![\w.])resource(?!\w)/g;
    for (let use = uses.exec(source); use; use = uses.exec(source)) {
      const path = pathAt(source, use.index + 'resource'.length);
      if (path.length === 0) return undefined; // `resource` itself is used: nothing can be left out
      addPath(root, path);
    }
  }
  return root;
}

/**
 * The field path selected from position `at` on: `.a.?b.c`, ending before a method call (`region.startsWith(…)`),
 * an index (`disks[0]`) or a macro (`rules.exists(…)`): what follows reads inside the value, kept whole.
 */
function pathAt(source: string, at: number): string[] {
  const path: string[] = [];
  for (;;) {
    const dot = /\s*\.\s*\??\s*/y;
    dot.lastIndex = at;
    if (!dot.exec(source)) break;
    IDENTIFIER.lastIndex = dot.lastIndex;
    const name = IDENTIFIER.exec(source);
    if (!name) break;
    // A method call on the value read so far: the value is kept whole.
    if (/^\s*\(/.test(source.slice(IDENTIFIER.lastIndex))) break;
    path.push(name[0]);
    at = IDENTIFIER.lastIndex;
  }
  return path;
}

/** Adds a path to the tree; a shorter path read elsewhere already keeps the whole value. */
function addPath(root: Map<string, ReadTree>, path: readonly string[]): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const existing = node.get(key);
    if (existing === true) return;
    if (last) {
      node.set(key, true);
      return;
    }
    let next = existing;
    if (!next) node.set(key, (next = new Map()));
    node = next;
  }
}

/**
 * Whether a (string-stripped) source indexes a value by a string literal (`i[""]`, or optionally `i[?""]`), not a
 * list literal (`in [""]`).
 */
function indexesByString(source: string): boolean {
  for (const match of source.matchAll(/\[\s*\??\s*""/g)) {
    const before = source.slice(0, match.index).trimEnd();
    // An index follows a value: a name (but not the keyword `in`), a call or another index.
    if (/[)\]]$/.test(before) || (/\w$/.test(before) && !/(?<![\w.])in$/.test(before))) return true;
  }
  return false;
}

/**
 * What the sources read of the configuration, supplementary documents and relationships of any value, whatever
 * variable holds it: context entries reach CEL through index lookups, macros and variables
 * (`items.map(i, i.configuration.x)`), so every selection of `.configuration`, `.supplementary` or `.relationships`
 * counts, on whatever receiver. `undefined` when a use cannot be bounded: a string-literal index
 * (`i["configuration"]`), or a part used whole (`i.configuration == …`).
 */
export function partsReadAnywhere(sources: readonly string[]): Map<string, ReadTree> | undefined {
  const root = new Map<string, ReadTree>();
  for (const raw of sources) {
    const source = withoutStrings(raw);
    if (indexesByString(source)) return undefined;
    const uses = /(?<=[\w)\]])\s*\.\s*\??\s*(configuration|supplementary|relationships)(?!\w)/g;
    for (let use = uses.exec(source); use; use = uses.exec(source)) {
      const path = pathAt(source, use.index + use[0].length);
      if (path.length === 0 && /^\s*\(/.test(source.slice(use.index + use[0].length))) continue; // a method named so
      addPath(root, [use[1]!, ...path]);
    }
  }
  return root;
}

/** A macro variable named `resource` (`x.exists(resource, …)`): inside it, `resource.` is an entry, not the subject. */
const MACRO_NAMED_RESOURCE = /[(,]\s*resource\s*,/;

/**
 * Whether the sources select `.supplementary` on anything but the subject (`resource.supplementary` is the judged
 * resource's): a context entry's side documents. True when a use cannot be bounded: a string-literal index, or a
 * macro whose variable is named `resource` (`found.all(resource, resource.supplementary…)` reads entries).
 */
export function entrySupplementaryRead(sources: readonly string[]): boolean {
  for (const raw of sources) {
    const source = withoutStrings(raw);
    if (indexesByString(source) || MACRO_NAMED_RESOURCE.test(source)) return true;
    for (const use of source.matchAll(/(?<=[\w)\]])\s*\.\s*\??\s*supplementary(?!\w)/g)) {
      if (!/(?<![\w.])resource$/.test(source.slice(0, use.index))) return true;
    }
  }
  return false;
}

/** Identity fields a context entry can do without: kept only when some reader selects them on an entry. */
const ENTRY_IDENTITY = ['id', 'arn', 'name', 'capturedAt'] as const;

/**
 * The identity fields the sources select on anything but the subject (`resource.id` is the judged resource's): context
 * entries reach CEL through iteration variables, indexes and variables (`a.id`, `found[0].name`). `undefined` when a
 * use cannot be bounded: a string-literal index, or a macro whose variable is named `resource` (it would hide entries).
 */
export function entryIdentityRead(sources: readonly string[]): Set<string> | undefined {
  const read = new Set<string>();
  for (const raw of sources) {
    const source = withoutStrings(raw);
    if (indexesByString(source) || MACRO_NAMED_RESOURCE.test(source)) return undefined;
    const uses = new RegExp(`(?<=[\\w)\\]])\\s*\\.\\s*\\??\\s*(${ENTRY_IDENTITY.join('|')})(?!\\w)`, 'g');
    for (let use = uses.exec(source); use; use = uses.exec(source)) {
      if (/(?<![\w.])resource$/.test(source.slice(0, use.index))) continue; // the subject's own field
      read.add(use[1]!);
    }
  }
  return read;
}

/** A copy of `value` holding only the fields the tree names; arrays and scalars are kept whole. */
function project(value: unknown, tree: ReadTree): unknown {
  if (tree === true || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (Object.hasOwn(value, key)) out[key] = project((value as Record<string, unknown>)[key], sub);
  }
  return out;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** One instance of each equal string: for the few distinct accounts, regions and types every entry repeats. */
function sharer(): (value: string) => string {
  const shared = new Map<string, string>();
  return (value) => {
    const known = shared.get(value);
    if (known !== undefined) return known;
    shared.set(value, value);
    return value;
  };
}

/** A resource's tags, or one shared empty object when it has none (most context entries: one object less each). */
function tagsOf(resource: Resource): Resource['tags'] {
  return Object.keys(resource.tags).length === 0 ? (EMPTY as Resource['tags']) : resource.tags;
}
const NO_RELATIONSHIPS: readonly never[] = Object.freeze([]);

/** Identity fields the engine itself never reads: kept only when the control's CEL does. */
const DROPPABLE_IDENTITY = ['name', 'capturedAt'] as const;

/**
 * `resourceProjection` of each distinct set of fields read, built once: controls that read the same fields of a type
 * (the three controls over every virtual machine read its identity only) get the same function, so a waiting
 * resource can keep one record for all of them.
 */
export function sharedProjections(): (sources: readonly string[]) => ((resource: Resource) => Resource) | undefined {
  const built = new Map<string, ((resource: Resource) => Resource) | undefined>();
  const signature = (tree: Map<string, ReadTree> | undefined): string =>
    tree === undefined ? '*' : JSON.stringify([...tree].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v === true ? true : signature(v)]));
  return (sources) => {
    const key = signature(fieldsRead(sources));
    if (!built.has(key)) built.set(key, resourceProjection(sources));
    return built.get(key);
  };
}

/**
 * A function keeping of a resource what the sources read (plus the identity findings and exceptions use), or
 * `undefined` when everything must be kept. The few distinct account, region and type strings are shared.
 */
export function resourceProjection(sources: readonly string[]): ((resource: Resource) => Resource) | undefined {
  const read = fieldsRead(sources);
  if (!read) return undefined;
  const parts = PRUNABLE.map((part) => [part, read.get(part)] as const);
  const dropped = DROPPABLE_IDENTITY.filter((field) => !read.has(field));
  const share = sharer();
  return (resource) => {
    if (resource.malformed !== undefined) return resource;
    const projected: Record<string, unknown> = { ...resource, account: share(resource.account), region: share(resource.region), type: share(resource.type), tags: tagsOf(resource) };
    for (const [part, tree] of parts) {
      if (tree === undefined) projected[part] = part === 'relationships' ? NO_RELATIONSHIPS : EMPTY;
      else projected[part] = project(resource[part], tree);
    }
    for (const field of dropped) projected[field] = '';
    return projected as unknown as Resource;
  };
}

/**
 * What a context entry keeps: its identity and tags, and of its configuration, supplementary documents and
 * relationships only what any of the sources (every control reading that context type) selects. At a million
 * resources the whole documents of every backup item and assessment a control looks up were most of the
 * engine's heap. `undefined` when the sources' uses cannot be bounded (then the entry stays whole).
 */
export function contextProjection(sources: readonly string[]): ((resource: Resource) => Resource) | undefined {
  const read = partsReadAnywhere(sources);
  const identity = entryIdentityRead(sources);
  if (!read || !identity) return undefined;
  // An id no reader selects is only the index key's source (copied out when indexed): the entry need not hold it.
  const blanks = Object.fromEntries(ENTRY_IDENTITY.filter((field) => !identity.has(field)).map((field) => [field, '']));
  const configuration = read.get('configuration');
  const supplementary = read.get('supplementary');
  const relationships = read.get('relationships');
  const share = sharer();
  return (resource) => {
    if (resource.malformed !== undefined) return resource;
    return {
      ...resource,
      account: share(resource.account),
      region: share(resource.region),
      type: share(resource.type),
      tags: tagsOf(resource),
      configuration: configuration === undefined ? EMPTY : (project(resource.configuration, configuration) as Resource['configuration']),
      relationships: relationships === undefined ? (NO_RELATIONSHIPS) : resource.relationships,
      supplementary: supplementary === undefined ? EMPTY : (project(resource.supplementary, supplementary) as Resource['supplementary']),
      ...blanks,
    };
  };
}
