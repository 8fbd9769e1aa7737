import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateSchemaModule } from '../../src/vtep/ovsdb/codegen.js';

const SCHEMA = new URL('../../schema/l2bgw-config.ovsschema', import.meta.url);
const TARGET = new URL('../../src/api/config-schema.ts', import.meta.url);

describe('config schema module', () => {
  it('is generated from schema/l2bgw-config.ovsschema', async () => {
    const json: unknown = JSON.parse(await readFile(SCHEMA, 'utf8'));
    const src = generateSchemaModule(json, {
      stem: 'Config',
      schemaImport: '../vtep/ovsdb/codec/schema.js',
      regenerate: 'OVSDB_CODEGEN_WRITE=1 npx vitest run test/api/config-schema.test.ts',
    });
    expect(src.ok).toBe(true);
    if (!src.ok) return;
    if (process.env.OVSDB_CODEGEN_WRITE === '1') await writeFile(TARGET, src.value);
    expect(await readFile(TARGET, 'utf8')).toBe(src.value);
  });
});
