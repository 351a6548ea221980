/**
 * The subset of AWS Config's advanced-query SQL that the sandbox answers: exactly what the collector
 * emits, nothing more, so a collector change that needs more fails loudly in tests instead of silently
 * getting a different answer than AWS would give.
 *
 *   SELECT <field>[, <field>…] WHERE <condition> [AND <condition>…]
 *   condition: resourceType = '<type>' | resourceType IN ('<t1>', '<t2>', …)
 *            | accountId = '<12 digits>' | awsRegion = '<region>'
 *
 * `resourceType` is required; each condition appears at most once; keywords are case-insensitive.
 */

export const SELECTABLE_FIELDS = [
  'resourceId',
  'resourceName',
  'resourceType',
  'awsRegion',
  'accountId',
  'arn',
  'availabilityZone',
  'configuration',
  'supplementaryConfiguration',
  'tags',
  'relationships',
  'configurationItemCaptureTime',
  'configurationItemStatus',
  'resourceCreationTime',
] as const;

export type SelectableField = (typeof SELECTABLE_FIELDS)[number];

export interface SelectQuery {
  readonly fields: readonly SelectableField[];
  readonly types: readonly string[];
  readonly account?: string;
  readonly region?: string;
}

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: ',' | '(' | ')' | '='; readonly at: number };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === ',' || ch === '(' || ch === ')' || ch === '=') {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i++;
    } else if (ch === "'") {
      const end = expression.indexOf("'", i + 1);
      if (end < 0) throw new QueryError(`unterminated string literal at position ${i}`);
      tokens.push({ kind: 'string', text: expression.slice(i + 1, end), at: i });
      i = end + 1;
    } else {
      const m = /^[A-Za-z_*][A-Za-z0-9_.*]*/.exec(expression.slice(i));
      if (!m) throw new QueryError(`unexpected character '${ch}' at position ${i}`);
      tokens.push({ kind: 'word', text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(what: string): Token {
    const token = this.tokens[this.position];
    if (!token) throw new QueryError(`expected ${what} but the expression ended`);
    this.position++;
    return token;
  }

  keyword(word: string): void {
    const token = this.next(word);
    if (token.kind !== 'word' || token.text.toUpperCase() !== word) throw new QueryError(`expected ${word} at position ${token.at}, found '${token.text}'`);
  }

  punct(text: ',' | '(' | ')' | '='): void {
    const token = this.next(`'${text}'`);
    if (token.kind !== 'punct' || token.text !== text) throw new QueryError(`expected '${text}' at position ${token.at}, found '${token.text}'`);
  }

  string(what: string): string {
    const token = this.next(what);
    if (token.kind !== 'string') throw new QueryError(`expected ${what} as a quoted string at position ${token.at}, found '${token.text}'`);
    return token.text;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }
}

function isSelectable(name: string): name is SelectableField {
  return (SELECTABLE_FIELDS as readonly string[]).includes(name);
}

export function parseSelect(expression: string): SelectQuery {
  const p = new Parser(tokenize(expression));
  p.keyword('SELECT');
  const fields: SelectableField[] = [];
  for (;;) {
    const token = p.next('a field name');
    if (token.kind !== 'word') throw new QueryError(`expected a field name at position ${token.at}, found '${token.text}'`);
    if (!isSelectable(token.text)) {
      throw new QueryError(`field '${token.text}' is not supported by the sandbox (supported: ${SELECTABLE_FIELDS.join(', ')})`);
    }
    if (fields.includes(token.text)) throw new QueryError(`field '${token.text}' is selected twice`);
    fields.push(token.text);
    const after = p.peek();
    if (after?.kind === 'punct' && after.text === ',') {
      p.next(',');
      continue;
    }
    break;
  }
  p.keyword('WHERE');
  let types: string[] | undefined;
  let account: string | undefined;
  let region: string | undefined;
  for (;;) {
    const property = p.next('a condition');
    if (property.kind !== 'word') throw new QueryError(`expected a condition at position ${property.at}, found '${property.text}'`);
    switch (property.text) {
      case 'resourceType': {
        if (types) throw new QueryError('resourceType is constrained twice');
        const op = p.next("'=' or IN");
        if (op.kind === 'punct' && op.text === '=') {
          types = [p.string('a resource type')];
        } else if (op.kind === 'word' && op.text.toUpperCase() === 'IN') {
          p.punct('(');
          types = [p.string('a resource type')];
          for (let t = p.next("',' or ')'"); !(t.kind === 'punct' && t.text === ')'); t = p.next("',' or ')'")) {
            if (!(t.kind === 'punct' && t.text === ',')) throw new QueryError(`expected ',' or ')' at position ${t.at}, found '${t.text}'`);
            types.push(p.string('a resource type'));
          }
        } else {
          throw new QueryError(`expected '=' or IN after resourceType at position ${op.at}, found '${op.text}'`);
        }
        break;
      }
      case 'accountId': {
        if (account !== undefined) throw new QueryError('accountId is constrained twice');
        p.punct('=');
        account = p.string('an account id');
        if (!/^\d{12}$/.test(account)) throw new QueryError(`accountId '${account}' is not a 12-digit account id`);
        break;
      }
      case 'awsRegion': {
        if (region !== undefined) throw new QueryError('awsRegion is constrained twice');
        p.punct('=');
        region = p.string('a region');
        break;
      }
      default:
        throw new QueryError(`condition on '${property.text}' is not supported by the sandbox (only resourceType, accountId and awsRegion, joined by AND)`);
    }
    if (p.atEnd()) break;
    p.keyword('AND');
  }
  if (!types) throw new QueryError('the WHERE clause must constrain resourceType');
  return { fields, types, ...(account !== undefined ? { account } : {}), ...(region !== undefined ? { region } : {}) };
}
