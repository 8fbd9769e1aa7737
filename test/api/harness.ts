/**
 * The API against real ovsdb-servers: one with l2bgw's config schema, one
 * with the hardware_vtep schema holding a managed switch ps0 and logical
 * switches ls5000 (tunnel_key 5000) and lsnokey (none).
 */
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../../src/api/config-store.js';
import { MetricsRegistry } from '../../src/api/metrics.js';
import { buildApiServer } from '../../src/api/server.js';
import type { ApiServerOptions } from '../../src/api/server.js';
import { OvsdbVtepDirectory } from '../../src/api/vtep-directory.js';
import { OvsdbClient } from '../../src/vtep/ovsdb/client.js';
import { vtepSchema } from '../../src/vtep/ovsdb/vtep-schema.js';
import { startOvsdbServer } from '../support/ovsdb-server.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';
import { MemoryGatewayState } from './memory-state.js';

export const CONFIG_SCHEMA = fileURLToPath(new URL('../../schema/l2bgw-config.ovsschema', import.meta.url));
export const TOKEN = 'test-token-0123456789';

export interface Harness {
  configDb: OvsdbServer;
  vtepDb: OvsdbServer;
  store: ConfigStore;
  vtepClient: OvsdbClient;
  directory: OvsdbVtepDirectory;
  state: MemoryGatewayState;
  metrics: MetricsRegistry;
  app: FastifyInstance;
  logLines: string[];
  ps0: string;
  ls5000: string;
  lsNoKey: string;
  close(): Promise<void>;
}

function uuidOf(out: string, i: number): string {
  const j = JSON.parse(out) as { uuid: [string, string] }[];
  return j[i].uuid[1];
}

export async function startHarness(extra: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const configDb = await startOvsdbServer({ schema: CONFIG_SCHEMA });
  const vtepDb = await startOvsdbServer();
  const out = await vtepDb.client('transact', JSON.stringify(['hardware_vtep',
    { op: 'insert', table: 'Physical_Switch', row: { name: 'ps0', tunnel_ips: '192.0.2.10' }, 'uuid-name': 'ps' },
    { op: 'insert', table: 'Global', row: { switches: ['named-uuid', 'ps'] } },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'ls5000', tunnel_key: 5000 } },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'lsnokey' } },
    { op: 'insert', table: 'Physical_Switch', row: { name: 'unmanaged' } },
  ]));
  const store = await ConfigStore.open({ remote: configDb.unixRemote });
  if (!store.ok) throw new Error(store.error.message);
  const vtepClient = new OvsdbClient({ remote: vtepDb.unixRemote });
  await vtepClient.connect();
  const names = await vtepClient.monitor('hardware_vtep', vtepSchema, { Physical_Switch: { columns: ['name'] }, Logical_Switch: { columns: ['name', 'tunnel_key'] } });
  if (!names.ok) throw new Error(names.error.message);
  const directory = new OvsdbVtepDirectory();
  directory.add('ps0', { physicalSwitches: () => names.value.rows('Physical_Switch'), logicalSwitches: () => names.value.rows('Logical_Switch') });
  const logLines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }));
  const state = new MemoryGatewayState();
  const metrics = new MetricsRegistry();
  const app = await buildApiServer({ store: store.value, directory, state, metrics, token: TOKEN, log, ...extra });
  return {
    configDb, vtepDb, store: store.value, vtepClient, directory, state, metrics, app, logLines,
    ps0: uuidOf(out, 0), ls5000: uuidOf(out, 2), lsNoKey: uuidOf(out, 3),
    close: async () => {
      await app.close();
      await store.value.close();
      await vtepClient.close();
      await configDb.dispose();
      await vtepDb.dispose();
    },
  };
}
