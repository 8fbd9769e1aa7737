/**
 * Typed rows from an OVSDB schema (RFC 7047 §3.2): a pure function from the
 * schema JSON to the TypeScript source of a module with one row interface
 * per table, the table and column name constants, and the schema itself as
 * a typed descriptor for the client. Column value shapes follow
 * codec/values.ts (atom, atom | null, atom[], Map). Enums become literal
 * unions; references become Uuid. Left out: range and length constraints
 * (checked by the server), and the implicit _uuid/_version columns.
 */
import { parseSchema } from './codec/schema.js';
import type { BaseType, ColumnType, ValueResult } from './codec/values.js';
import { columnKind } from './codec/values.js';

export interface CodegenOptions {
  /** Name stem for the exported names, e.g. "Vtep" → VtepTables, VtepTable, VtepColumn, vtepSchema. */
  stem: string;
  /** Import path of codec/schema.ts as seen from the generated file. */
  schemaImport: string;
  /** How to regenerate, written in the header. */
  regenerate: string;
}

export function pascalCase(table: string): string {
  return table.split('_').filter((p) => p.length > 0).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}

function atomType(t: BaseType): string {
  if (t.enum) return t.enum.map((e) => JSON.stringify(e)).join(' | ');
  switch (t.type) {
    case 'integer':
    case 'real': return 'number';
    case 'boolean': return 'boolean';
    case 'string': return 'string';
    case 'uuid': return 'Uuid';
  }
}

function tsType(t: ColumnType): string {
  const k = atomType(t.key);
  const paren = (s: string): string => (s.includes('|') ? `(${s})` : s);
  switch (columnKind(t)) {
    case 'scalar': return k;
    case 'optional': return `${k} | null`;
    case 'set': return `${paren(k)}[]`;
    case 'map': return `Map<${k}, ${atomType(t.value as BaseType)}>`;
  }
}

function literal(v: unknown): string {
  if (v === Infinity) return 'Infinity';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const parts = Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(x)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return JSON.stringify(v);
}

function comment(t: ColumnType, ephemeral: boolean, immutable: boolean): string {
  const notes: string[] = [];
  if (t.key.refTable) notes.push(`→ ${t.key.refTable}${t.key.refType === 'weak' ? ' (weak)' : ''}`);
  if (t.value?.refTable) notes.push(`values → ${t.value.refTable}${t.value.refType === 'weak' ? ' (weak)' : ''}`);
  if (t.min > 1 || (t.max !== 1 && t.max !== Infinity)) notes.push(`${t.min}..${t.max === Infinity ? '*' : t.max} elements`);
  if (t.max === Infinity && t.min > 0) notes.push(`at least ${t.min}`);
  if (immutable) notes.push('immutable');
  if (ephemeral) notes.push('ephemeral');
  return notes.length > 0 ? ` // ${notes.join(', ')}` : '';
}

/** Generate the module source; errors are data (a schema that does not parse). */
export function generateSchemaModule(schemaJson: unknown, opts: CodegenOptions): ValueResult<string> {
  const parsed = parseSchema(schemaJson);
  if (!parsed.ok) return parsed;
  const schema = parsed.value;
  const raw = (schemaJson as { tables: Record<string, { columns: Record<string, { ephemeral?: boolean; mutable?: boolean }> }> }).tables;
  const stem = opts.stem;
  const lower = stem[0].toLowerCase() + stem.slice(1);
  const tables = Object.keys(schema.tables);
  const out: string[] = [];
  out.push(`// Generated from the ${schema.name} ${schema.version} schema by src/vtep/ovsdb/codegen.ts; do not edit.`);
  out.push(`// Regenerate: ${opts.regenerate}`);
  out.push(`import type { SchemaDescriptor } from '${opts.schemaImport}';`);
  out.push('');
  out.push('/** A row UUID (RFC 7047 §5.1), or a uuid-name inside one transaction. */');
  out.push('export type Uuid = string;');
  for (const t of tables) {
    const ts = schema.tables[t];
    const notes = [ts.isRoot ? 'root table' : 'not a root table: rows without a strong reference are garbage collected'];
    if (ts.maxRows !== undefined) notes.push(`at most ${ts.maxRows} row${ts.maxRows === 1 ? '' : 's'}`);
    if (ts.indexes && ts.indexes.length > 0) notes.push(`unique: ${ts.indexes.map((i) => `(${i.join(', ')})`).join(', ')}`);
    out.push('');
    out.push(`/** ${t}: ${notes.join('; ')}. */`);
    out.push(`export interface ${pascalCase(t)}Row {`);
    for (const [c, ct] of Object.entries(ts.columns)) {
      const rc = raw[t].columns[c];
      out.push(`  ${c}: ${tsType(ct)};${comment(ct, rc.ephemeral === true, rc.mutable === false)}`);
    }
    out.push('}');
  }
  out.push('');
  out.push(`/** Row interface by table name. */`);
  out.push(`export interface ${stem}Tables {`);
  for (const t of tables) out.push(`  ${t}: ${pascalCase(t)}Row;`);
  out.push('}');
  out.push('');
  out.push(`export type ${stem}TableName = keyof ${stem}Tables;`);
  out.push('');
  out.push('/** Table names. */');
  out.push(`export const ${stem}Table = {`);
  for (const t of tables) out.push(`  ${t}: '${t}',`);
  out.push(`} as const satisfies { [K in ${stem}TableName]: K };`);
  out.push('');
  out.push('/** Column names per table. */');
  out.push(`export const ${stem}Column = {`);
  for (const t of tables) {
    out.push(`  ${t}: { ${Object.keys(schema.tables[t].columns).map((c) => `${c}: '${c}'`).join(', ')} },`);
  }
  out.push(`} as const satisfies { [T in ${stem}TableName]: { [C in keyof ${stem}Tables[T]]: C } };`);
  out.push('');
  out.push(`/** The ${schema.name} schema, typed by ${stem}Tables. */`);
  out.push(`export const ${lower}Schema: SchemaDescriptor<${stem}Tables> = {`);
  out.push(`  name: ${JSON.stringify(schema.name)},`);
  out.push(`  version: ${JSON.stringify(schema.version)},`);
  out.push('  tables: {');
  for (const t of tables) {
    const ts = schema.tables[t];
    out.push(`    ${t}: {`);
    if (ts.isRoot !== undefined) out.push(`      isRoot: ${ts.isRoot},`);
    if (ts.maxRows !== undefined) out.push(`      maxRows: ${ts.maxRows},`);
    if (ts.indexes !== undefined) out.push(`      indexes: ${literal(ts.indexes)},`);
    out.push('      columns: {');
    for (const [c, ct] of Object.entries(ts.columns)) out.push(`        ${c}: ${literal(ct)},`);
    out.push('      },');
    out.push('    },');
  }
  out.push('  },');
  out.push('};');
  out.push('');
  return { ok: true, value: out.join('\n') };
}
