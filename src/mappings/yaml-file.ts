import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';

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

/** Reads a YAML (or JSON) file and validates it against a schema; every failure is an InputError. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): ParsedFile<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, '', `cannot read file: ${errorMessage(error)}`);
  }
  return parseYamlText(file, text, schema);
}

export function parseYamlText<S extends z.ZodType>(file: string, text: string, schema: S): ParsedFile<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    throw new InputError(locate(path), formatPath(path), describeIssue(issue));
  }
  return { file, value: parsed.data, locate };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid document';
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}
