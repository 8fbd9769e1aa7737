/**
 * RFC 7047 §3.2 database schema, parsed into column types, and the typed
 * schema descriptor that carries a row interface per table so that table and
 * column names are checked at compile time. Left out: schema validation
 * beyond what decoding values needs (names, refs are not cross-checked).
 */
import { parseColumnType } from './values.js';
import type { ColumnType, ValueResult } from './values.js';

export interface TableSchema {
  columns: Record<string, ColumnType>;
  isRoot?: boolean;
  maxRows?: number;
  indexes?: string[][];
}

export interface DbSchema {
  name: string;
  version: string;
  tables: Record<string, TableSchema>;
}

/**
 * A schema whose tables are typed: `Tables` maps a table name to its row
 * interface (column → TS value). Generated for hardware_vtep by codegen.ts.
 */
export interface SchemaDescriptor<Tables> extends DbSchema {
  tables: { [K in keyof Tables & string]: TableSchema };
  /** Phantom: carries the row types, never set. */
  readonly rowTypes?: Tables;
}

/** Parse a get_schema result (§4.1.2) or a .ovsschema file. */
export function parseSchema(json: unknown): ValueResult<DbSchema> {
  const bad = (message: string): ValueResult<DbSchema> => ({ ok: false, error: { code: 'OVSDB_VALUE_INVALID', message } });
  if (typeof json !== 'object' || json === null) return bad('schema is not an object');
  const o = json as Record<string, unknown>;
  if (typeof o.name !== 'string') return bad('schema has no name');
  if (typeof o.tables !== 'object' || o.tables === null) return bad('schema has no tables');
  const tables: Record<string, TableSchema> = {};
  for (const [tname, tjson] of Object.entries(o.tables as Record<string, unknown>)) {
    const t = tjson as Record<string, unknown>;
    if (typeof t !== 'object' || t === null || typeof t.columns !== 'object' || t.columns === null) return bad(`table ${tname} has no columns`);
    const columns: Record<string, ColumnType> = {};
    for (const [cname, cjson] of Object.entries(t.columns as Record<string, unknown>)) {
      const ct = parseColumnType((cjson as Record<string, unknown>)?.type);
      if (!ct.ok) return bad(`${tname}.${cname}: ${ct.error.message}`);
      columns[cname] = ct.value;
    }
    const ts: TableSchema = { columns };
    if (typeof t.isRoot === 'boolean') ts.isRoot = t.isRoot;
    if (typeof t.maxRows === 'number') ts.maxRows = t.maxRows;
    if (Array.isArray(t.indexes)) ts.indexes = t.indexes as string[][];
    tables[tname] = ts;
  }
  return { ok: true, value: { name: o.name, version: typeof o.version === 'string' ? o.version : '', tables } };
}
