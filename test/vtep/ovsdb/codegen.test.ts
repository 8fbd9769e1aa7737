import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateSchemaModule, pascalCase } from '../../../src/vtep/ovsdb/codegen.js';
import { VtepColumn, VtepTable, vtepSchema } from '../../../src/vtep/ovsdb/vtep-schema.js';
import type { PhysicalLocatorRow, VtepTables } from '../../../src/vtep/ovsdb/vtep-schema.js';

const SCHEMA = '/usr/share/openvswitch/vtep.ovsschema';
const TARGET = new URL('../../../src/vtep/ovsdb/vtep-schema.ts', import.meta.url);
export const VTEP_CODEGEN = {
  stem: 'Vtep',
  schemaImport: './codec/schema.js',
  regenerate: 'OVSDB_CODEGEN_WRITE=1 npx vitest run test/vtep/ovsdb/codegen.test.ts',
};

describe('codegen', () => {
  it('regenerates vtep-schema.ts from the installed vtep.ovsschema byte for byte', async () => {
    const json: unknown = JSON.parse(await readFile(SCHEMA, 'utf8'));
    const src = generateSchemaModule(json, VTEP_CODEGEN);
    expect(src.ok).toBe(true);
    if (!src.ok) return;
    if (process.env.OVSDB_CODEGEN_WRITE === '1') await writeFile(TARGET, src.value);
    expect(await readFile(TARGET, 'utf8')).toBe(src.value);
  });

  it('names tables and columns as constants and types rows', () => {
    expect(pascalCase('Physical_Locator_Set')).toBe('PhysicalLocatorSet');
    expect(VtepTable.Physical_Locator).toBe('Physical_Locator');
    expect(VtepColumn.Ucast_Macs_Remote.MAC).toBe('MAC');
    expect(vtepSchema.tables.Physical_Locator.indexes).toEqual([['encapsulation_type', 'dst_ip', 'tunnel_key']]);
    expect(vtepSchema.tables.Global.columns.switches.max).toBe(Infinity);
    const loc: PhysicalLocatorRow = { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.1', tunnel_key: null };
    // @ts-expect-error a column typo is a compile error
    const typo: VtepTables['Physical_Locator'] = { ...loc, dst_ipp: 'x' };
    expect(typo.dst_ip).toBe('192.0.2.1');
  });

  it('returns an error for a schema that does not parse', () => {
    const r = generateSchemaModule({ name: 'x', tables: { T: { columns: { c: { type: 'bogus' } } } } }, VTEP_CODEGEN);
    expect(r.ok).toBe(false);
  });
});
