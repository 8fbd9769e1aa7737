/**
 * The client's replica of monitored tables: rows by uuid, fed by
 * <table-updates> (RFC 7047 §4.1.6, "monitor") and <table-updates2>
 * (ovsdb-server(7) §4.1.14, "monitor_cond" / "monitor_cond_since").
 *
 * Rows are immutable objects: a change replaces the row, so the `old` of a
 * change stays valid. A full snapshot (initial reply after a reconnect that
 * could not resume) is diffed against the current content so that callers
 * see only what really changed, and rows gone meanwhile are deleted.
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

  constructor(private readonly schema: DbSchema, private readonly monitored: MonitoredColumns) {
    for (const t of Object.keys(monitored)) this.tables.set(t, new Map());
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
  }

  // RFC 7047 §4.1.6 <row-update>: "old" and/or "new"; "new" holds every monitored column.
  private applyRowUpdate1(table: string, cur: Map<string, Row>, uuid: string, ru: unknown): ValueResult<RowChange | undefined> {
    const o = (ru ?? {}) as Record<string, unknown>;
    const old = cur.get(uuid);
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
