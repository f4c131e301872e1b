/**
 * The expression language of case attributes: `when: "amount > 10000"` on a
 * branch entry and `durationScale: "amount / 1000"` on a step. Parsed and
 * type-checked once, when the scenario is compiled, into a plain-JSON tree
 * that `evaluate` walks; nothing is ever evaluated as code.
 *
 * ```
 * expr    := or
 * or      := and ('or' and)*
 * and     := not ('and' not)*
 * not     := 'not' not | compare
 * compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
 * sum     := product (('+' | '-') product)*
 * product := unary (('*' | '/') unary)*
 * unary   := '-' unary | primary
 * primary := number | 'string' | "string" | true | false | attribute | '(' expr ')'
 * ```
 *
 * Types: numbers, strings and booleans. `<` `<=` `>` `>=` compare numbers;
 * `==` `!=` compare two values of the same type; arithmetic is on numbers;
 * `and` `or` `not` take booleans. A wrong type, an unknown attribute or a
 * syntax error is a `ExpressionError` with the column (1-based) where it is.
 *
 * Written by hand rather than with jsep (the one well-kept JS expression
 * parser): jsep parses JavaScript syntax (member access, calls, `&&`), all
 * of which would have to be rejected node by node, and adding `and`/`or`/`not`
 * means changing its global operator tables, which the Temporal workflow
 * bundle that walks the same trees should not carry. This grammar is a dozen
 * tokens. Pure; imports nothing.
 *
 * ```ts
 * const { expr, type } = parseExpression('amount > 10000 and channel == "web"', [{ name: 'amount', type: 'number' }, { name: 'channel', type: 'string' }]);
 * evaluate(expr, [12_500, 'web']); // true
 * ```
 */

export type ValueType = 'number' | 'string' | 'boolean';
export type Value = number | string | boolean;

export type BinaryOp = 'or' | 'and' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '+' | '-' | '*' | '/';

/** A parsed expression: plain JSON (it travels to the live case workflow with its process). */
export type Expr =
  { op: 'lit'; value: Value } | { op: 'attr'; name: string; index: number } | { op: 'not' | 'neg'; arg: Expr } | { op: BinaryOp; left: Expr; right: Expr };

/** What an expression may name: the process's attributes, in the order of its values. */
export interface AttributeType {
  name: string;
  type: 'number' | 'string';
}

export class ExpressionError extends Error {
  /** 1-based column of the problem in the expression text */
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'str'; value: string; at: number }
  | { kind: 'id'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; value: ''; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);
const TWO_CHAR = ['<=', '>=', '==', '!='];
const ONE_CHAR = '<>+-*/()';

/** Whether a name can be an attribute: a letter or `_`, then letters, digits, `_`, and not a keyword. */
export function isAttributeName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const at = i + 1;
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'num', value: Number(num[0]), at });
      i += num[0].length;
      if (/[A-Za-z_]/.test(text[i] ?? '')) throw new ExpressionError(`unexpected '${text[i]}' after the number ${num[0]}`, i + 1);
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      out.push({ kind: 'id', value: id[0], at });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) throw new ExpressionError(`unterminated string (expected a closing ${c})`, at);
      out.push({ kind: 'str', value: text.slice(i + 1, close), at });
      i = close + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.includes(two)) {
      out.push({ kind: 'op', value: two, at });
      i += 2;
      continue;
    }
    if (c === '=') throw new ExpressionError("unexpected '=' (expected '==' to compare)", at);
    if (c === '&' || c === '|' || c === '!') throw new ExpressionError(`unexpected '${c}' (expected and, or, not)`, at);
    if (ONE_CHAR.includes(c)) {
      out.push({ kind: 'op', value: c, at });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected '${c}'`, at);
  }
  out.push({ kind: 'end', value: '', at: text.length + 1 });
  return out;
}

/**
 * Parses and type-checks `text`, whose names are `attributes`. Throws an
 * `ExpressionError` naming the column and what was expected.
 */
export function parseExpression(text: string, attributes: readonly AttributeType[]): { expr: Expr; type: ValueType } {
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const is = (value: string) => (peek().kind === 'op' || peek().kind === 'id') && peek().value === value;
  const describe = (t: Token) => (t.kind === 'end' ? 'the end' : `'${t.kind === 'str' ? `"${t.value}"` : t.value}'`);
  type Typed = { expr: Expr; type: ValueType; at: number };

  const want = (x: Typed, type: ValueType, what: string): void => {
    if (x.type !== type) throw new ExpressionError(`${what} expects a ${type}, got a ${x.type}`, x.at);
  };

  const orExpr = (): Typed => {
    let left = andExpr();
    while (is('or')) {
      k++;
      const right = andExpr();
      want(left, 'boolean', "'or'");
      want(right, 'boolean', "'or'");
      left = { expr: { op: 'or', left: left.expr, right: right.expr }, type: 'boolean', at: left.at };
    }
    return left;
  };
  const andExpr = (): Typed => {
    let left = notExpr();
    while (is('and')) {
      k++;
      const right = notExpr();
      want(left, 'boolean', "'and'");
      want(right, 'boolean', "'and'");
      left = { expr: { op: 'and', left: left.expr, right: right.expr }, type: 'boolean', at: left.at };
    }
    return left;
  };
  const notExpr = (): Typed => {
    if (is('not')) {
      const at = peek().at;
      k++;
      const arg = notExpr();
      want(arg, 'boolean', "'not'");
      return { expr: { op: 'not', arg: arg.expr }, type: 'boolean', at };
    }
    return compare();
  };
  const compare = (): Typed => {
    const left = sum();
    const t = peek();
    if (t.kind !== 'op' || !['<', '<=', '>', '>=', '==', '!='].includes(t.value)) return left;
    k++;
    const right = sum();
    const op = t.value as BinaryOp;
    if (op === '==' || op === '!=') {
      if (left.type !== right.type) throw new ExpressionError(`'${op}' compares two values of one type, got a ${left.type} and a ${right.type}`, t.at);
    } else {
      want(left, 'number', `'${op}'`);
      want(right, 'number', `'${op}'`);
    }
    if (is('<') || is('<=') || is('>') || is('>=') || is('==') || is('!=')) {
      throw new ExpressionError(`unexpected ${describe(peek())} (comparisons do not chain: expected 'and' between them)`, peek().at);
    }
    return { expr: { op, left: left.expr, right: right.expr }, type: 'boolean', at: left.at };
  };
  const sum = (): Typed => {
    let left = product();
    while (is('+') || is('-')) {
      const op = peek().value as BinaryOp;
      k++;
      const right = product();
      want(left, 'number', `'${op}'`);
      want(right, 'number', `'${op}'`);
      left = { expr: { op, left: left.expr, right: right.expr }, type: 'number', at: left.at };
    }
    return left;
  };
  const product = (): Typed => {
    let left = unary();
    while (is('*') || is('/')) {
      const op = peek().value as BinaryOp;
      k++;
      const right = unary();
      want(left, 'number', `'${op}'`);
      want(right, 'number', `'${op}'`);
      left = { expr: { op, left: left.expr, right: right.expr }, type: 'number', at: left.at };
    }
    return left;
  };
  const unary = (): Typed => {
    if (is('-')) {
      const at = peek().at;
      k++;
      const arg = unary();
      want(arg, 'number', "'-'");
      return { expr: { op: 'neg', arg: arg.expr }, type: 'number', at };
    }
    return primary();
  };
  const primary = (): Typed => {
    const t = peek();
    k++;
    if (t.kind === 'num') return { expr: { op: 'lit', value: t.value }, type: 'number', at: t.at };
    if (t.kind === 'str') return { expr: { op: 'lit', value: t.value }, type: 'string', at: t.at };
    if (t.kind === 'id') {
      if (t.value === 'true' || t.value === 'false') return { expr: { op: 'lit', value: t.value === 'true' }, type: 'boolean', at: t.at };
      if (KEYWORDS.has(t.value)) throw new ExpressionError(`unexpected '${t.value}' (expected a value before it)`, t.at);
      const index = attributes.findIndex((a) => a.name === t.value);
      if (index < 0) {
        const known = attributes.length
          ? `one of the process's attributes: ${attributes.map((a) => a.name).join(', ')}`
          : 'no names: the process has no attributes';
        throw new ExpressionError(`unknown attribute '${t.value}' (expected ${known}; a string is quoted: '${t.value}')`, t.at);
      }
      return { expr: { op: 'attr', name: t.value, index }, type: attributes[index].type, at: t.at };
    }
    if (t.kind === 'op' && t.value === '(') {
      const inner = orExpr();
      if (!is(')')) throw new ExpressionError(`expected ')' to close the '(' at column ${t.at}, got ${describe(peek())}`, peek().at);
      k++;
      return { ...inner, at: t.at };
    }
    throw new ExpressionError(`unexpected ${describe(t)} (expected a number, a quoted string, true, false, an attribute or '(')`, t.at);
  };

  const result = orExpr();
  if (peek().kind !== 'end') throw new ExpressionError(`unexpected ${describe(peek())} (expected an operator or the end)`, peek().at);
  return { expr: result.expr, type: result.type };
}

/** The value of a checked expression for a case whose attributes are `values` (in the order they were declared). */
export function evaluate(e: Expr, values: readonly (number | string)[]): Value {
  switch (e.op) {
    case 'lit':
      return e.value;
    case 'attr':
      return values[e.index];
    case 'not':
      return !evaluate(e.arg, values);
    case 'neg':
      return -(evaluate(e.arg, values) as number);
    case 'or':
      return (evaluate(e.left, values) as boolean) || (evaluate(e.right, values) as boolean);
    case 'and':
      return (evaluate(e.left, values) as boolean) && (evaluate(e.right, values) as boolean);
    default: {
      const a = evaluate(e.left, values);
      const b = evaluate(e.right, values);
      switch (e.op) {
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return (a as number) < (b as number);
        case '<=':
          return (a as number) <= (b as number);
        case '>':
          return (a as number) > (b as number);
        case '>=':
          return (a as number) >= (b as number);
        case '+':
          return (a as number) + (b as number);
        case '-':
          return (a as number) - (b as number);
        case '*':
          return (a as number) * (b as number);
        case '/':
          return (a as number) / (b as number);
      }
    }
  }
}
