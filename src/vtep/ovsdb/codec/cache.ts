/**
 * The client's replica of monitored tables: rows by uuid, fed by
 * <table-updates> (RFC 7047 §4.1.6, "monitor") and <table-updates2>
 * (ovsdb-server(7) §4.1.14, "monitor_cond" / "monitor_cond_since").
 *
 * Rows are immutable objects: a change replaces the row, so the `old` of a
 * change stays valid. A full snapshot (initial reply after a reconnect that
 * could not resume) is diffed against the current content so that callers
 * see only what really changed, and rows gone meanwhile are deleted.
 *
 * Lean tables: their inserts are announced by uuid only (the client's
 * `leanInserts`: a monitor request selecting inserts with no columns). An
 * announced row is inserted from the row the caller said it inserted under
 * that uuid (`expectInsert`); any other is parked, invisible, until it is
 * settled from a later expectation or read from the server (`settleParked`,
 * `resolveRow`). A parked row's modifications are skipped: the read that
 * resolves it is answered after them, so it shows them; a row modified
 * while parked is read even when expected (the expectation predates it).
 */
import { applyDatumDiff, decodeDatum, defaultDatum } from './values.js';
import type { Atom, Datum, ValueError, ValueResult } from './values.js';
import type { DbSchema } from './schema.js';

export type Row = Readonly<Record<string, Datum>>;

export interface RowChange {
  table: string;
  uuid: string;
  kind: 'insert' | 'modify' | 'delete';
  /** Row before the change (modify, delete). */
  old?: Row;
  /** Row after the change (insert, modify). */
  new?: Row;
}

/** Monitored columns per table. */
export type MonitoredColumns = Record<string, readonly string[]>;

function datumEqual(a: Datum, b: Datum): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const s = new Set<Atom>(a);
    return b.every((x) => s.has(x));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || b.get(k) !== v) return false;
    return true;
  }
  return false;
}

function rowsEqual(a: Row, b: Row, columns: readonly string[]): boolean {
  return columns.every((c) => datumEqual(a[c], b[c]));
}

function invalid(message: string): { ok: false; error: ValueError } {
  return { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message } };
}

export class TableCache {
  private readonly tables = new Map<string, Map<string, Row>>();
  /** per lean table: rows the caller inserted, by uuid, until their announcement */
  private readonly expected = new Map<string, Map<string, Row>>();
  /** per lean table: rows announced with no row known yet → modified since */
  private readonly parked = new Map<string, Map<string, boolean>>();

  constructor(private readonly schema: DbSchema, private readonly monitored: MonitoredColumns, lean: Iterable<string> = []) {
    for (const t of Object.keys(monitored)) this.tables.set(t, new Map());
    for (const t of lean) {
      this.expected.set(t, new Map());
      this.parked.set(t, new Map());
    }
  }

  /**
   * A row of a lean table the caller inserted under `uuid` (from the
   * transact result), with every monitored column set: it becomes the
   * cache's row when the server announces the insert.
   */
  expectInsert(table: string, uuid: string, row: Row): void {
    this.expected.get(table)?.set(uuid, row);
  }

  /** Whether some announced rows of lean tables are parked. */
  hasParked(): boolean {
    for (const p of this.parked.values()) if (p.size > 0) return true;
    return false;
  }

  /**
   * Inserts the parked rows expected since they were announced; returns
   * those changes and the uuids still unknown, by table, to be read from
   * the server and given to `resolveRow` (they stay parked until then).
   */
  settleParked(): { changes: RowChange[]; unknown: Map<string, string[]> } {
    const changes: RowChange[] = [];
    const unknown = new Map<string, string[]>();
    for (const [table, parked] of this.parked) {
      const expected = this.expected.get(table) as Map<string, Row>;
      const cur = this.tables.get(table) as Map<string, Row>;
      const left: string[] = [];
      for (const [uuid, modified] of parked) {
        const row = expected.get(uuid);
        if (row === undefined || modified) {
          expected.delete(uuid);
          left.push(uuid);
          continue;
        }
        expected.delete(uuid);
        parked.delete(uuid);
        cur.set(uuid, row);
        changes.push({ table, uuid, kind: 'insert', new: row });
      }
      if (left.length > 0) unknown.set(table, left);
    }
    return { changes, unknown };
  }

  /**
   * A parked row as read from the server (a select result <row>), or
   * undefined when the read found none: inserted if still parked.
   */
  resolveRow(table: string, uuid: string, json: unknown): ValueResult<RowChange | undefined> {
    const parked = this.parked.get(table);
    if (!parked?.delete(uuid) || json === undefined) return { ok: true, value: undefined };
    const row = this.decodeRow(table, json, undefined);
    if (!row.ok) return row;
    (this.tables.get(table) as Map<string, Row>).set(uuid, row.value);
    return { ok: true, value: { table, uuid, kind: 'insert', new: row.value } };
  }

  /** Forget expected rows (the connection dropped: announcements still owed are lost). */
  forgetExpected(): void {
    for (const e of this.expected.values()) e.clear();
  }

  rows(table: string): ReadonlyMap<string, Row> {
    return this.tables.get(table) ?? new Map();
  }

  get(table: string, uuid: string): Row | undefined {
    return this.tables.get(table)?.get(uuid);
  }

  /**
   * Apply a <table-updates> (version 1) or <table-updates2> (version 2)
   * object. With `snapshot` the object is a complete initial view that
   * replaces the cache (rows absent from it are deleted).
   */
  apply(json: unknown, version: 1 | 2, snapshot: boolean): ValueResult<RowChange[]> {
    if (typeof json !== 'object' || json === null) return invalid('table updates is not an object');
    const updates = json as Record<string, unknown>;
    const changes: RowChange[] = [];
    if (snapshot) {
      // The snapshot holds every row in full: nothing is owed any more.
      this.forgetLean();
      for (const table of this.tables.keys()) {
        const fresh = new Map<string, Row>();
        const tu = updates[table];
        if (tu !== undefined) {
          if (typeof tu !== 'object' || tu === null) return invalid(`bad update for table ${table}`);
          for (const [uuid, ru] of Object.entries(tu as Record<string, unknown>)) {
            const o = (ru ?? {}) as Record<string, unknown>;
            const body = version === 1 ? o.new : (o.initial ?? o.insert);
            if (body === undefined) continue;
            const row = this.decodeRow(table, body, undefined);
            if (!row.ok) return row;
            fresh.set(uuid, row.value);
          }
        }
        const cur = this.tables.get(table) as Map<string, Row>;
        const cols = this.monitored[table];
        for (const [uuid, old] of cur) if (!fresh.has(uuid)) changes.push({ table, uuid, kind: 'delete', old });
        for (const [uuid, row] of fresh) {
          const old = cur.get(uuid);
          if (!old) changes.push({ table, uuid, kind: 'insert', new: row });
          else if (!rowsEqual(old, row, cols)) changes.push({ table, uuid, kind: 'modify', old, new: row });
          else fresh.set(uuid, old);
        }
        this.tables.set(table, fresh);
      }
      return { ok: true, value: changes };
    }
    for (const [table, tu] of Object.entries(updates)) {
      const cur = this.tables.get(table);
      if (!cur) continue;
      if (typeof tu !== 'object' || tu === null) return invalid(`bad update for table ${table}`);
      // for-in over the rows (own keys of a parsed object): no [key, value] array per row.
      const rows = tu as Record<string, unknown>;
      for (const uuid in rows) {
        const ru = rows[uuid];
        const r = version === 1 ? this.applyRowUpdate1(table, cur, uuid, ru) : this.applyRowUpdate2(table, cur, uuid, ru);
        if (!r.ok) return r;
        if (r.value) changes.push(r.value);
      }
    }
    return { ok: true, value: changes };
  }

  /** Forget every row (the monitor was cancelled). */
  clear(): void {
    for (const t of this.tables.values()) t.clear();
    this.forgetLean();
  }

  private forgetLean(): void {
    this.forgetExpected();
    for (const p of this.parked.values()) p.clear();
  }

  /**
   * An insert of a lean table, announced by uuid only: the expected row,
   * else parked (see above).
   */
  private leanInsert(table: string, cur: Map<string, Row>, uuid: string): ValueResult<RowChange | undefined> {
    const expected = this.expected.get(table) as Map<string, Row>;
    const row = expected.get(uuid);
    if (row === undefined) {
      (this.parked.get(table) as Map<string, boolean>).set(uuid, false);
      return { ok: true, value: undefined };
    }
    expected.delete(uuid);
    cur.set(uuid, row);
    return { ok: true, value: { table, uuid, kind: 'insert', new: row } };
  }

  /** A delete or modify of a parked row: dropped, or skipped (see above); undefined for other rows. */
  private parkedChange(table: string, uuid: string, deleted: boolean): ValueResult<undefined> | undefined {
    const parked = this.parked.get(table);
    if (!parked?.has(uuid)) return undefined;
    if (deleted) parked.delete(uuid);
    else parked.set(uuid, true);
    return { ok: true, value: undefined };
  }

  // RFC 7047 §4.1.6 <row-update>: "old" and/or "new"; "new" holds every monitored column.
  private applyRowUpdate1(table: string, cur: Map<string, Row>, uuid: string, ru: unknown): ValueResult<RowChange | undefined> {
    const o = (ru ?? {}) as Record<string, unknown>;
    const old = cur.get(uuid);
    if (!old) {
      const p = this.parkedChange(table, uuid, o.new === undefined || o.new === null);
      if (p) return p;
      // §4.1.6: "new" without "old" is an insert.
      if (o.old === undefined && this.parked.has(table)) return this.leanInsert(table, cur, uuid);
    }
    if (o.new === undefined || o.new === null) {
      if (!old) return { ok: true, value: undefined };
      cur.delete(uuid);
      return { ok: true, value: { table, uuid, kind: 'delete', old } };
    }
    const row = this.decodeRow(table, o.new, old);
    if (!row.ok) return row;
    cur.set(uuid, row.value);
    return { ok: true, value: old ? { table, uuid, kind: 'modify', old, new: row.value } : { table, uuid, kind: 'insert', new: row.value } };
  }

  // ovsdb-server(7) §4.1.14 <row-update2>: exactly one of initial/insert/delete/modify.
  private applyRowUpdate2(table: string, cur: Map<string, Row>, uuid: string, ru: unknown): ValueResult<RowChange | undefined> {
    const o = (ru ?? {}) as Record<string, unknown>;
    const old = cur.get(uuid);
    if (!old) {
      const p = this.parkedChange(table, uuid, 'delete' in o);
      if (p) return p;
      if ('insert' in o && this.parked.has(table)) return this.leanInsert(table, cur, uuid);
    }
    if ('delete' in o) {
      if (!old) return { ok: true, value: undefined };
      cur.delete(uuid);
      return { ok: true, value: { table, uuid, kind: 'delete', old } };
    }
    if ('modify' in o) {
      if (!old) return invalid(`modify of unknown row ${table} ${uuid}`);
      const diff = o.modify as Record<string, unknown>;
      if (typeof diff !== 'object' || diff === null) return invalid(`bad modify for ${table} ${uuid}`);
      const next: Record<string, Datum> = { ...old };
      const cols = this.schema.tables[table].columns;
      for (const [c, d] of Object.entries(diff)) {
        const ct = cols[c];
        if (!ct || !(c in old)) continue;
        const v = applyDatumDiff(old[c], d, ct);
        if (!v.ok) return invalid(`${table}.${c}: ${v.error.message}`);
        next[c] = v.value;
      }
      cur.set(uuid, next);
      return { ok: true, value: { table, uuid, kind: 'modify', old, new: next } };
    }
    const body = o.initial ?? o.insert;
    if (body === undefined) return invalid(`empty row update for ${table} ${uuid}`);
    // initial/insert omit columns equal to their default.
    const row = this.decodeRow(table, body, undefined);
    if (!row.ok) return row;
    cur.set(uuid, row.value);
    return { ok: true, value: old ? { table, uuid, kind: 'modify', old, new: row.value } : { table, uuid, kind: 'insert', new: row.value } };
  }

  /** Decode a <row>; columns it lacks keep `base`'s value, or the default. */
  private decodeRow(table: string, json: unknown, base: Row | undefined): ValueResult<Row> {
    if (typeof json !== 'object' || json === null) return invalid(`row of ${table} is not an object`);
    const o = json as Record<string, unknown>;
    const cols = this.schema.tables[table].columns;
    const row: Record<string, Datum> = {};
    for (const c of this.monitored[table]) {
      const ct = cols[c];
      if (o[c] === undefined) {
        row[c] = base ? base[c] : defaultDatum(ct);
        continue;
      }
      const v = decodeDatum(o[c], ct);
      if (!v.ok) return invalid(`${table}.${c}: ${v.error.message}`);
      row[c] = v.value;
    }
    return { ok: true, value: row };
  }
}
