import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { InputError, InputErrorCollector, errorMessage } from '../errors.js';

/** Formats a parse path as people write it: `controls[3].expression`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Aliases a document may expand; kansa's own files use none, a hostile one uses millions. */
const MAX_ALIAS_COUNT = 1_000;

export interface ParsedFile<T> {
  readonly file: string;
  readonly value: T;
  /** `file:line` for a path inside the document, for later (semantic) error messages. */
  readonly locate: (path: readonly PropertyKey[]) => string;
}

/** A YAML document read but not yet validated: the raw value, and where its nodes are. */
export interface YamlDocument {
  readonly file: string;
  readonly raw: unknown;
  readonly locate: (path: readonly PropertyKey[]) => string;
}

/** Reads a YAML (or JSON) file and validates it against a schema; every failure is an InputError (all schema problems at once). */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): ParsedFile<z.output<S>> {
  return validated(readYamlDocument(file), schema);
}

export function parseYamlText<S extends z.ZodType>(file: string, text: string, schema: S): ParsedFile<z.output<S>> {
  return validated(parseYamlDocument(file, text), schema);
}

function validated<S extends z.ZodType>(doc: YamlDocument, schema: S): ParsedFile<z.output<S>> {
  const errors = new InputErrorCollector();
  const value = validate(doc, schema, errors);
  errors.throwIfAny();
  return { file: doc.file, value: value as z.output<S>, locate: doc.locate };
}

/** Reads a YAML (or JSON) file; a file that cannot be read or is not YAML is an InputError. */
export function readYamlDocument(file: string): YamlDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, '', `cannot read file: ${errorMessage(error)}`);
  }
  return parseYamlDocument(file, text);
}

export function parseYamlDocument(file: string, text: string): YamlDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  // Only the first syntax error: after one, the parser's later complaints are mostly its consequences.
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const pos = syntaxError.linePos?.[0];
    throw new InputError(pos ? `${file}:${pos.line}` : file, '', `invalid YAML: ${syntaxError.message.split('\n')[0] ?? ''}`);
  }
  const locate = (path: readonly PropertyKey[]): string => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}`;
    }
    return file;
  };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias bomb ("billion laughs"): anchors of anchors that would expand beyond memory.
    throw new InputError(file, '', `invalid YAML: ${errorMessage(error).split('\n')[0] ?? ''} (at most ${MAX_ALIAS_COUNT} alias expansions)`);
  }
  return { file, raw, locate };
}

/** Validates a document against a schema; every issue (not the first) goes to `errors`, with its line. */
export function validate<S extends z.ZodType>(doc: YamlDocument, schema: S, errors: InputErrorCollector): z.output<S> | undefined {
  const parsed = schema.safeParse(doc.raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) errors.add(doc.locate(issue.path), formatPath(issue.path), describeIssue(issue));
  if (parsed.error.issues.length === 0) errors.add(doc.file, '', 'invalid document');
  return undefined;
}

/**
 * The entries of the list at `key` that are valid on their own, with their index: when a file fails its
 * schema, these still get the semantic checks, so one pass reports the problems of every entry.
 */
export function validEntries<I extends z.ZodType>(doc: YamlDocument, key: string, entrySchema: I): { readonly index: number; readonly value: z.output<I> }[] {
  const list = typeof doc.raw === 'object' && doc.raw !== null ? (doc.raw as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index) => {
    const parsed = entrySchema.safeParse(entry);
    return parsed.success ? [{ index, value: parsed.data }] : [];
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}
