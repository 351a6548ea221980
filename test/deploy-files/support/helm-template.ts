/**
 * A strict renderer for the subset of Helm's templating (Go text/template + the sprig functions Helm
 * adds) that deploy/helm/kansa uses, because no registry this project can use ships a helm binary.
 * It follows Go's semantics where the chart depends on them — whitespace trimming with `{{-`/`-}}`,
 * truthiness, `$` and `.`, sorted map iteration, an error on a field of nil — and throws on anything
 * it does not know, so a template that would need real Helm fails here rather than passing quietly.
 * Not a replacement for `helm lint`: it cannot see what Helm's own checks see.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';

type Value = unknown;
type Fn = (...args: Value[]) => Value;

// ---------------------------------------------------------------- lexing

type Piece = { kind: 'text'; text: string } | { kind: 'action'; body: string; where: string };

function lex(source: string, name: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  let trimNext = false;
  const line = (offset: number): number => source.slice(0, offset).split('\n').length;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      pieces.push({ kind: 'text', text });
      break;
    }
    let inner = open + 2;
    if (/^-\s/.test(source.slice(inner, inner + 2))) {
      text = text.replace(/\s+$/, '');
      inner += 1;
    }
    pieces.push({ kind: 'text', text });
    let close: number;
    if (source.slice(inner).trimStart().startsWith('/*')) {
      const end = source.indexOf('*/', inner);
      if (end < 0) throw new Error(`${name}:${line(open)}: unclosed comment`);
      close = source.indexOf('}}', end);
      const tail = source.slice(end + 2, close);
      if (!/^\s*-?\s*$/.test(tail)) throw new Error(`${name}:${line(open)}: text after a comment`);
      trimNext = tail.trim() === '-';
      at = close + 2;
      continue;
    }
    close = findClose(source, inner);
    if (close < 0) throw new Error(`${name}:${line(open)}: unclosed action`);
    let body = source.slice(inner, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    pieces.push({ kind: 'action', body: body.trim(), where: `${name}:${line(open)}` });
    at = close + 2;
  }
  return pieces;
}

function findClose(source: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < source.length - 1; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && source[i + 1] === '}') return i;
  }
  return -1;
}

// ---------------------------------------------------------------- expressions

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'ident'; v: string }
  | { t: 'field'; v: string[] }
  | { t: 'var'; name: string; fields: string[] }
  | { t: 'punct'; v: '(' | ')' | '|' | ':=' | '=' | ',' };

function tokenize(body: string, where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fields = (): string[] => {
    const out: string[] = [];
    while (body[i] === '.' && /[A-Za-z_]/.test(body[i + 1] ?? '')) {
      i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))![0];
      out.push(m);
      i += m.length;
    }
    return out;
  };
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (body[j] !== '"') {
        if (j >= body.length) throw new Error(`${where}: unterminated string`);
        if (body[j] === '\\') {
          const e = body[++j];
          v += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
        } else v += body[j];
        j++;
      }
      tokens.push({ t: 'str', v });
      i = j + 1;
    } else if (c === '`') {
      const j = body.indexOf('`', i + 1);
      tokens.push({ t: 'str', v: body.slice(i + 1, j) });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(body[i + 1] ?? ''))) {
      const m = /^-?(0[0-7]+|\d+(\.\d+)?)/.exec(body.slice(i))![0];
      tokens.push({ t: 'num', v: /^-?0[0-7]+$/.test(m) ? parseInt(m, 8) : Number(m) });
      i += m.length;
    } else if (c === '.') {
      if (/[A-Za-z_]/.test(body[i + 1] ?? '')) tokens.push({ t: 'field', v: fields() });
      else {
        tokens.push({ t: 'field', v: [] });
        i++;
      }
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(body.slice(i))![0];
      i += m.length;
      tokens.push({ t: 'var', name: m, fields: fields() });
    } else if (body.startsWith(':=', i)) {
      tokens.push({ t: 'punct', v: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      tokens.push({ t: 'punct', v: c as '(' | ')' | '|' | '=' | ',' });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))![0];
      tokens.push({ t: 'ident', v: m });
      i += m.length;
    } else throw new Error(`${where}: unexpected "${c}" in action`);
  }
  return tokens;
}

type Operand =
  | { k: 'lit'; v: Value }
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'fn'; name: string }
  | { k: 'sub'; pipe: Pipeline };

interface Pipeline {
  readonly decl?: { readonly names: readonly string[]; readonly assign: boolean };
  readonly commands: readonly Operand[][];
}

function parsePipeline(tokens: Token[], where: string): Pipeline {
  let pos = 0;
  let decl: Pipeline['decl'];
  const assignAt = tokens.findIndex((t) => t.t === 'punct' && (t.v === ':=' || t.v === '='));
  if (assignAt > 0 && tokens.slice(0, assignAt).every((t) => t.t === 'var' || (t.t === 'punct' && t.v === ','))) {
    decl = { names: tokens.slice(0, assignAt).flatMap((t) => (t.t === 'var' ? [t.name] : [])), assign: (tokens[assignAt] as { v: string }).v === '=' };
    pos = assignAt + 1;
  }
  const parseCommands = (stop: boolean): Operand[][] => {
    const commands: Operand[][] = [[]];
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (t.t === 'punct' && t.v === ')') {
        if (stop) return commands;
        throw new Error(`${where}: unexpected )`);
      }
      if (t.t === 'punct' && t.v === '|') commands.push([]);
      else if (t.t === 'punct' && t.v === '(') commands[commands.length - 1]!.push({ k: 'sub', pipe: { commands: parseCommands(true) } });
      else if (t.t === 'str' || t.t === 'num') commands[commands.length - 1]!.push({ k: 'lit', v: t.v });
      else if (t.t === 'field') commands[commands.length - 1]!.push({ k: 'field', path: t.v });
      else if (t.t === 'var') commands[commands.length - 1]!.push({ k: 'var', name: t.name, path: t.fields });
      else if (t.t === 'ident') {
        const literal = ({ true: true, false: false, nil: null } as Record<string, Value>)[t.v];
        commands[commands.length - 1]!.push(literal !== undefined ? { k: 'lit', v: literal } : { k: 'fn', name: t.v });
      } else throw new Error(`${where}: unexpected ${t.v}`);
    }
    if (stop) throw new Error(`${where}: missing )`);
    return commands;
  };
  const commands = parseCommands(false);
  if (commands.some((c) => c.length === 0)) throw new Error(`${where}: empty command in pipeline`);
  return { ...(decl ? { decl } : {}), commands };
}

// ---------------------------------------------------------------- tree

type Node =
  | { n: 'text'; text: string }
  | { n: 'out'; pipe: Pipeline; where: string }
  | { n: 'if'; branches: { pipe: Pipeline; body: Node[] }[]; otherwise: Node[]; where: string }
  | { n: 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { n: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[]; where: string };

function build(pieces: Piece[], defines: Map<string, Node[]>): Node[] {
  let pos = 0;
  const block = (): { nodes: Node[]; end: string; where: string } => {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if (p.kind === 'text') {
        if (p.text) nodes.push({ n: 'text', text: p.text });
        continue;
      }
      const keyword = p.body.split(/\s+/)[0] ?? '';
      const after = p.body.slice(keyword.length).trim();
      switch (keyword) {
        case 'end':
        case 'else':
          return { nodes, end: p.body, where: p.where };
        case 'if': {
          const branches = [{ pipe: parsePipeline(tokenize(after, p.where), p.where), body: [] as Node[] }];
          let otherwise: Node[] = [];
          for (;;) {
            const inner = block();
            branches[branches.length - 1]!.body = inner.nodes;
            if (inner.end === 'end') break;
            if (inner.end.startsWith('else if ')) {
              const cond = inner.end.slice('else if '.length);
              branches.push({ pipe: parsePipeline(tokenize(cond, inner.where), inner.where), body: [] });
              continue;
            }
            if (inner.end === 'EOF') throw new Error(`${p.where}: missing {{end}}`);
            if (inner.end !== 'else') throw new Error(`${inner.where}: unexpected {{${inner.end}}}`);
            const last = block();
            if (last.end !== 'end') throw new Error(`${p.where}: missing {{end}}`);
            otherwise = last.nodes;
            break;
          }
          nodes.push({ n: 'if', branches, otherwise, where: p.where });
          break;
        }
        case 'with':
        case 'range': {
          const pipe = parsePipeline(tokenize(after, p.where), p.where);
          const inner = block();
          let otherwise: Node[] = [];
          if (inner.end === 'else') {
            const last = block();
            if (last.end !== 'end') throw new Error(`${last.where}: expected {{end}}`);
            otherwise = last.nodes;
          } else if (inner.end === 'EOF') throw new Error(`${p.where}: missing {{end}}`);
          else if (inner.end !== 'end') throw new Error(`${inner.where}: unexpected {{${inner.end}}}`);
          nodes.push({ n: keyword, pipe, body: inner.nodes, otherwise, where: p.where });
          break;
        }
        case 'define': {
          const name = /^"([^"]+)"$/.exec(after)?.[1];
          if (!name) throw new Error(`${p.where}: define needs a quoted name`);
          const inner = block();
          if (inner.end !== 'end') throw new Error(`${p.where}: missing {{end}} for define`);
          defines.set(name, inner.nodes);
          break;
        }
        case 'template':
        case 'block':
        case 'break':
        case 'continue':
          throw new Error(`${p.where}: {{${keyword}}} is not supported by this renderer`);
        default:
          nodes.push({ n: 'out', pipe: parsePipeline(tokenize(p.body, p.where), p.where), where: p.where });
      }
    }
    return { nodes, end: 'EOF', where: pieces.length > 0 ? 'end of template' : '' };
  };
  const top = block();
  if (top.end !== 'EOF') throw new Error(`${top.where}: unexpected {{${top.end}}}`);
  return top.nodes;
}

// ---------------------------------------------------------------- evaluation

export function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function show(v: Value, where: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`${where}: cannot print a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
}

function isMap(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toYaml(v: Value): string {
  return stringify(v, { sortMapEntries: true, lineWidth: 0, version: '1.1' }).replace(/\n$/, '');
}

const indentLines = (n: number, s: string): string =>
  s
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

class Scope {
  private readonly vars = new Map<string, Value>();
  constructor(private readonly parent?: Scope) {}
  get(name: string, where: string): Value {
    if (this.vars.has(name)) return this.vars.get(name);
    if (this.parent) return this.parent.get(name, where);
    throw new Error(`${where}: undefined variable ${name}`);
  }
  declare(name: string, v: Value): void {
    this.vars.set(name, v);
  }
  assign(name: string, v: Value, where: string): void {
    if (this.vars.has(name)) this.vars.set(name, v);
    else if (this.parent) this.parent.assign(name, v, where);
    else throw new Error(`${where}: assignment to undeclared ${name}`);
  }
}

export class HelmTemplates {
  private readonly defines = new Map<string, Node[]>();
  private readonly files = new Map<string, Node[]>();
  private readonly functions: Record<string, Fn>;

  constructor() {
    const num = (v: Value): number => (typeof v === 'number' ? v : Number(v));
    this.functions = {
      include: (name, data) => this.execute(this.named(String(name)), data),
      toYaml: (v) => toYaml(v),
      toJson: (v) => JSON.stringify(v),
      nindent: (n, s) => `\n${indentLines(num(n), show(s, 'nindent'))}`,
      indent: (n, s) => indentLines(num(n), show(s, 'indent')),
      quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => JSON.stringify(show(a, 'quote'))).join(' '),
      squote: (v) => `'${show(v, 'squote')}'`,
      default: (d, v) => (truthy(v) ? v : d),
      empty: (v) => !truthy(v),
      required: (message, v) => {
        if (v === null || v === undefined || v === '') throw new Error(String(message));
        return v;
      },
      fail: (message) => {
        throw new Error(String(message));
      },
      print: (...args) => args.map((a) => show(a, 'print')).join(''),
      printf: (format, ...args) => {
        let i = 0;
        return String(format).replace(/%([sdvq%])/g, (_m, verb: string) => (verb === '%' ? '%' : verb === 'q' ? JSON.stringify(String(args[i++])) : show(args[i++], 'printf')));
      },
      trunc: (n, s) => String(s).slice(0, num(n)),
      trimSuffix: (suffix, s) => (String(s).endsWith(String(suffix)) ? String(s).slice(0, -String(suffix).length) : String(s)),
      trimPrefix: (prefix, s) => (String(s).startsWith(String(prefix)) ? String(s).slice(String(prefix).length) : String(s)),
      contains: (sub, s) => String(s).includes(String(sub)),
      replace: (from, to, s) => String(s).replaceAll(String(from), String(to)),
      lower: (s) => String(s).toLowerCase(),
      upper: (s) => String(s).toUpperCase(),
      eq: (a, ...bs) => bs.some((b) => a === b),
      ne: (a, b) => a !== b,
      gt: (a, b) => num(a) > num(b),
      ge: (a, b) => num(a) >= num(b),
      lt: (a, b) => num(a) < num(b),
      le: (a, b) => num(a) <= num(b),
      and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
      or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
      not: (a) => !truthy(a),
      ternary: (a, b, cond) => (truthy(cond) ? a : b),
      hasKey: (m, key) => isMap(m) && Object.hasOwn(m, String(key)),
      omit: (m, ...keys) => (isMap(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => !keys.includes(k))) : {}),
      int: (v) => Math.trunc(num(v)),
      toString: (v: Value) => show(v, 'toString'),
      sha256sum: (s) => createHash('sha256').update(String(s)).digest('hex'),
      b64enc: (s) => Buffer.from(String(s)).toString('base64'),
    };
  }

  /** Adds a template file (its defines are registered; the file itself is a named template too). */
  add(name: string, source: string): void {
    this.files.set(name, build(lex(source, name), this.defines));
  }

  private named(name: string): Node[] {
    const found = this.defines.get(name) ?? this.files.get(name);
    if (!found) throw new Error(`no template named "${name}"`);
    return found;
  }

  render(name: string, data: Value): string {
    return this.execute(this.named(name), data);
  }

  private execute(nodes: readonly Node[], data: Value): string {
    const scope = new Scope();
    scope.declare('$', data);
    return this.run(nodes, data, scope);
  }

  private run(nodes: readonly Node[], dot: Value, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.n) {
        case 'text':
          out += node.text;
          break;
        case 'out': {
          const v = this.pipeline(node.pipe, dot, scope, node.where);
          if (!node.pipe.decl) out += show(v, node.where);
          break;
        }
        case 'if': {
          const inner = new Scope(scope);
          const branch = node.branches.find((b) => truthy(this.pipeline(b.pipe, dot, inner, node.where)));
          out += this.run(branch ? branch.body : node.otherwise, dot, inner);
          break;
        }
        case 'with': {
          const inner = new Scope(scope);
          const v = this.pipeline(node.pipe, dot, inner, node.where);
          out += truthy(v) ? this.run(node.body, v, inner) : this.run(node.otherwise, dot, inner);
          break;
        }
        case 'range': {
          const inner = new Scope(scope);
          const names = node.pipe.decl?.names ?? [];
          const v = this.pipeline({ commands: node.pipe.commands }, dot, inner, node.where);
          const entries: [Value, Value][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : isMap(v)
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, v[k]])
              : v === null || v === undefined
                ? []
                : (() => {
                    throw new Error(`${node.where}: range over ${typeof v}`);
                  })();
          if (entries.length === 0) out += this.run(node.otherwise, dot, inner);
          for (const [key, item] of entries) {
            const each = new Scope(inner);
            if (names.length === 1) each.declare(names[0]!, item);
            if (names.length === 2) {
              each.declare(names[0]!, key);
              each.declare(names[1]!, item);
            }
            out += this.run(node.body, item, each);
          }
          break;
        }
      }
    }
    return out;
  }

  private pipeline(pipe: Pipeline, dot: Value, scope: Scope, where: string): Value {
    let piped: Value;
    let first = true;
    for (const command of pipe.commands) {
      piped = this.command(command, dot, scope, where, first ? undefined : { v: piped });
      first = false;
    }
    if (pipe.decl) {
      const name = pipe.decl.names[0]!;
      if (pipe.decl.assign) scope.assign(name, piped, where);
      else scope.declare(name, piped);
    }
    return piped;
  }

  private command(command: readonly Operand[], dot: Value, scope: Scope, where: string, piped?: { v: Value }): Value {
    const [head, ...rest] = command;
    const args = (): Value[] => [...rest.map((o) => this.operand(o, dot, scope, where)), ...(piped ? [piped.v] : [])];
    if (head!.k === 'fn') {
      const fn = this.functions[head!.name];
      if (!fn) throw new Error(`${where}: function "${head!.name}" is not supported by this renderer`);
      return fn(...args());
    }
    const value = this.operand(head!, dot, scope, where);
    if (typeof value === 'function') return (value as Fn)(...args());
    if (rest.length > 0 || piped) throw new Error(`${where}: ${JSON.stringify(head)} is not a function`);
    return value;
  }

  private operand(o: Operand, dot: Value, scope: Scope, where: string): Value {
    switch (o.k) {
      case 'lit':
        return o.v;
      case 'sub':
        return this.pipeline(o.pipe, dot, scope, where);
      case 'fn': {
        const fn = this.functions[o.name];
        if (!fn) throw new Error(`${where}: function "${o.name}" is not supported by this renderer`);
        return fn();
      }
      case 'field':
        return walk(dot, o.path, where);
      case 'var':
        return walk(scope.get(o.name, where), o.path, where);
    }
  }
}

function walk(start: Value, path: readonly string[], where: string): Value {
  let v = start;
  for (const key of path) {
    if (v === null || v === undefined) throw new Error(`${where}: nil pointer evaluating .${key}`);
    if (!isMap(v)) throw new Error(`${where}: can't evaluate field ${key} in ${typeof v}`);
    v = v[key];
  }
  return v;
}

// ---------------------------------------------------------------- charts

function deepMerge(base: Value, over: Value): Value {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, Value> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : deepMerge(base[k], v);
  return out;
}

export interface RenderedChart {
  /** Template path (e.g. `kansa/templates/statefulset.yaml`) → rendered text. */
  readonly files: ReadonlyMap<string, string>;
  /** Every non-empty YAML document of every manifest template, parsed as Kubernetes parses it (YAML 1.1). */
  readonly objects: readonly Record<string, Value>[];
  readonly notes: string;
  readonly values: Record<string, Value>;
}

/** `helm template <release> <chart> -n <namespace> -f overrides`, as far as this renderer goes. */
export function renderChart(chartDir: string, options: { release?: string; namespace?: string; values?: Record<string, Value> } = {}): RenderedChart {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; version: string; appVersion: string };
  const values = deepMerge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')), options.values ?? {}) as Record<string, Value>;
  const templates = new HelmTemplates();
  const templateDir = join(chartDir, 'templates');
  const names = readdirSync(templateDir).sort();
  const basePath = `${chart.name}/templates`;
  for (const file of names) templates.add(`${basePath}/${file}`, readFileSync(join(templateDir, file), 'utf8'));
  const filesObject = {
    Get: (path: Value) => {
      const full = join(chartDir, String(path));
      return existsSync(full) && !relative(chartDir, full).startsWith('..') ? readFileSync(full, 'utf8') : '';
    },
  };
  const root = (file: string): Record<string, Value> => ({
    Values: values,
    Release: { Name: options.release ?? 'kansa', Namespace: options.namespace ?? 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Files: filesObject,
    Template: { Name: `${basePath}/${file}`, BasePath: basePath },
    Capabilities: { KubeVersion: { Version: 'v1.31.0' } },
  });
  const files = new Map<string, string>();
  const objects: Record<string, Value>[] = [];
  let notes = '';
  for (const file of names) {
    if (file.startsWith('_')) continue;
    const text = templates.render(`${basePath}/${file}`, root(file));
    if (file === 'NOTES.txt') {
      notes = text;
      continue;
    }
    files.set(`${basePath}/${file}`, text);
    for (const doc of text.split(/^---\s*$/m)) {
      if (!doc.trim()) continue;
      const object = parse(doc, { version: '1.1', uniqueKeys: true }) as Record<string, Value> | null;
      if (object) objects.push(object);
    }
  }
  return { files, objects, notes, values };
}
