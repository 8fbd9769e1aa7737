/**
 * RFC 7047 §5.2 database operations: typed builders over a schema
 * descriptor, producing the plain JSON objects `transact` sends. Every
 * operation of §5.2.1–§5.2.11 is covered (insert with uuid-name, select,
 * update, mutate, delete, wait, commit, abort, comment, assert). Bad values
 * are collected as errors and reported by build(), never thrown.
 */
import { columnKind, encodeDatum, uuid as wireUuid } from './values.js';
import type { ColumnType, ValueError, ValueResult, WireDatum } from './values.js';
import type { SchemaDescriptor } from './schema.js';

/** A plain RFC 7047 operation object. */
export type Operation = Record<string, unknown>;

/** §5.1 <function>. */
export type CondFn = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'includes' | 'excludes';
/** §5.1 <mutator>. */
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';

type Elem<V> = V extends (infer E)[] ? E : V extends Map<infer K, unknown> ? K : V extends null ? never : V;
type Cols<R> = keyof R & string;

/** [column, function, value]: the value is the column's shape or one element of it. */
export type Condition<R> =
  | { [C in Cols<R>]: [C, CondFn, R[C] | Elem<R[C]>] }[Cols<R>]
  | ['_uuid', '==' | '!=', string];

/** [column, mutator, value]: a number for arithmetic, elements/keys/a map for insert/delete. */
export type Mutation<R> = { [C in Cols<R>]: [C, Mutator, R[C] | Elem<R[C]> | Elem<R[C]>[]] }[Cols<R>];

function relaxed(t: ColumnType): ColumnType {
  return { ...t, min: 0, max: Infinity };
}

/** Encode a value for a column, allowing one bare element where a set is expected. */
function encodeLoose(v: unknown, t: ColumnType): ValueResult<WireDatum> {
  const kind = columnKind(t);
  if (kind === 'map' && Array.isArray(v)) {
    // map "delete" by keys (§5.1 <mutation>): a set of keys.
    return encodeDatum(v, relaxed({ key: t.key, min: 0, max: Infinity }));
  }
  if (kind === 'set' && !Array.isArray(v)) return encodeDatum([v], relaxed(t));
  if ((kind === 'scalar' || kind === 'optional') && Array.isArray(v)) return encodeDatum(v, relaxed(t));
  return encodeDatum(v, kind === 'scalar' ? { ...t, min: 0 } : t);
}

function encodeWhereInto(cols: Record<string, ColumnType>, table: string, where: readonly (readonly [string, string, unknown])[], errors: string[]): unknown[] {
  return where.map(([c, f, v]) => {
    if (c === '_uuid') return [c, f, wireUuid(v as string)];
    const ct = cols[c];
    const e: ValueResult<WireDatum> = ct ? encodeLoose(v, ct) : { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message: 'no such column' } };
    if (e.ok) return [c, f, e.value];
    errors.push(`${table}.${c}: ${e.error.message}`);
    return null;
  });
}

/** Encode a typed `where` (§5.1 <condition>s) for a table, e.g. for monitor_cond. */
export function encodeConditions<T, K extends keyof T & string>(schema: SchemaDescriptor<T>, table: K, where: readonly Condition<T[K]>[]): ValueResult<unknown[]> {
  const errors: string[] = [];
  const cols = (schema.tables as Record<string, { columns: Record<string, ColumnType> }>)[table]?.columns ?? {};
  const out = encodeWhereInto(cols, table, where as readonly (readonly [string, string, unknown])[], errors);
  return errors.length > 0 ? { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message: errors.join('; ') } } : { ok: true, value: out };
}

/**
 * Collects operations for one transaction. Methods return the builder (or,
 * for insert, the uuid-name to reference the new row in later operations).
 */
export class TxnBuilder<T> {
  private readonly ops: Operation[] = [];
  private readonly errors: string[] = [];
  private names = 0;

  constructor(private readonly schema: SchemaDescriptor<T>) {}

  /** §5.2.1 insert; returns the uuid-name bound to the new row (given or generated). */
  insert<K extends keyof T & string>(table: K, row: Partial<T[K]>, uuidName?: string): string {
    const name = uuidName ?? `row${this.names++}`;
    const r = this.encodeRow(table, row);
    this.ops.push({ op: 'insert', table, row: r, 'uuid-name': name });
    return name;
  }

  /** §5.2.2 select. */
  select<K extends keyof T & string>(table: K, where: Condition<T[K]>[], columns?: (keyof T[K] & string)[]): this {
    const op: Operation = { op: 'select', table, where: this.encodeWhere(table, where) };
    if (columns) op.columns = columns;
    this.ops.push(op);
    return this;
  }

  /** §5.2.3 update. */
  update<K extends keyof T & string>(table: K, where: Condition<T[K]>[], row: Partial<T[K]>): this {
    this.ops.push({ op: 'update', table, where: this.encodeWhere(table, where), row: this.encodeRow(table, row) });
    return this;
  }

  /** §5.2.4 mutate. */
  mutate<K extends keyof T & string>(table: K, where: Condition<T[K]>[], mutations: Mutation<T[K]>[]): this {
    const cols = this.columns(table);
    const ms = mutations.map(([c, m, v]) => {
      const ct = cols[c];
      if (!ct) return this.fail(`${table}.${c}: no such column`);
      if (['+=', '-=', '*=', '/=', '%='].includes(m)) return [c, m, v];
      const e = encodeLoose(v, ct);
      return e.ok ? [c, m, e.value] : this.fail(`${table}.${c}: ${e.error.message}`);
    });
    this.ops.push({ op: 'mutate', table, where: this.encodeWhere(table, where), mutations: ms });
    return this;
  }

  /** §5.2.5 delete. */
  delete<K extends keyof T & string>(table: K, where: Condition<T[K]>[]): this {
    this.ops.push({ op: 'delete', table, where: this.encodeWhere(table, where) });
    return this;
  }

  /** §5.2.6 wait: until the rows matching `where` are (==) or are not (!=) exactly `rows`. */
  wait<K extends keyof T & string>(table: K, where: Condition<T[K]>[], columns: (keyof T[K] & string)[], until: '==' | '!=', rows: Partial<T[K]>[], timeoutMs?: number): this {
    const op: Operation = { op: 'wait', table, where: this.encodeWhere(table, where), columns, until, rows: rows.map((r) => this.encodeRow(table, r)) };
    if (timeoutMs !== undefined) op.timeout = timeoutMs;
    this.ops.push(op);
    return this;
  }

  /** §5.2.7 commit. */
  commit(durable: boolean): this {
    this.ops.push({ op: 'commit', durable });
    return this;
  }

  /** §5.2.8 abort. */
  abort(): this {
    this.ops.push({ op: 'abort' });
    return this;
  }

  /** §5.2.9 comment. */
  comment(text: string): this {
    this.ops.push({ op: 'comment', comment: text });
    return this;
  }

  /** §5.2.10 assert (a lock this client must own, §4.1.8). */
  assert(lock: string): this {
    this.ops.push({ op: 'assert', lock });
    return this;
  }

  /** The operations, or the first value error met while building. */
  build(): { ok: true; value: Operation[] } | { ok: false; error: ValueError } {
    if (this.errors.length > 0) return { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message: this.errors.join('; ') } };
    return { ok: true, value: [...this.ops] };
  }

  private columns(table: string): Record<string, ColumnType> {
    return (this.schema.tables as Record<string, { columns: Record<string, ColumnType> }>)[table]?.columns ?? {};
  }

  private fail(message: string): null {
    this.errors.push(message);
    return null;
  }

  private encodeRow(table: string, row: object): Record<string, WireDatum> {
    const cols = this.columns(table);
    const out: Record<string, WireDatum> = {};
    for (const [c, v] of Object.entries(row)) {
      const ct = cols[c];
      if (!ct) {
        this.fail(`${table}.${c}: no such column`);
        continue;
      }
      const e = encodeDatum(v, ct);
      if (e.ok) out[c] = e.value;
      else this.fail(`${table}.${c}: ${e.error.message}`);
    }
    return out;
  }

  private encodeWhere(table: string, where: readonly (readonly [string, string, unknown])[]): unknown[] {
    return encodeWhereInto(this.columns(table), table, where, this.errors);
  }
}
