/**
 * The config store on a clustered (Raft) ovsdb-server database, as several speakers
 * share it (DESIGN.md §6): two stores on one cluster member see each other's changes
 * at once, and the name index holds across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/api/config-store.js';
import { startOvsdbServer } from '../support/ovsdb-server.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';
import { waitFor } from '../support/process.js';
import { CONFIG_SCHEMA } from './harness.js';

let db: OvsdbServer;
let a: ConfigStore;
let b: ConfigStore;

beforeAll(async () => {
  db = await startOvsdbServer({ schema: CONFIG_SCHEMA, clustered: true });
  const sa = await ConfigStore.open({ remote: db.unixRemote });
  const sb = await ConfigStore.open({ remote: db.unixRemote });
  if (!sa.ok || !sb.ok) throw new Error('config store did not open on the cluster');
  a = sa.value;
  b = sb.value;
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.dispose();
});

describe('config store on a clustered database', () => {
  it('a gateway written by one speaker is seen by the other', async () => {
    const gw = await a.createGateway({ name: 'dc-cluster', ipaddr: '203.0.113.20' });
    expect(gw.ok).toBe(true);
    await waitFor(() => b.listGateways().some((g) => g.name === 'dc-cluster'), 'the other store to see it', 10_000);
    const dup = await b.createGateway({ name: 'dc-cluster', ipaddr: '203.0.113.21' });
    expect(dup.ok).toBe(false);
  });

  it('a gateway or connection deleted while something is created on it: not found, not a conflict', async () => {
    // Both requests go out on one connection in this order, before the cache sees the delete:
    // the server commits the delete, then refuses the insert's reference.
    const gw = await a.createGateway({ name: 'dc-gone', ipaddr: '203.0.113.30' });
    if (!gw.ok) throw new Error(gw.error.message);
    const conn = { l2_gateway: 'ps0', l2_gateway_id: 'x', network: 'ls0', network_id: 'y', remote_gateway: 'dc-gone', segmentation_id: 5000, network_type: 'vxlan', flood: true } as const;
    const [gone, created] = await Promise.all([a.deleteGateway('dc-gone'), a.createConnection(conn)]);
    expect(gone.ok).toBe(true);
    expect(created).toMatchObject({ ok: false, error: { kind: 'not_found', field: 'remote_gateway' } });

    const gw2 = await a.createGateway({ name: 'dc-gone2', ipaddr: '203.0.113.31' });
    if (!gw2.ok) throw new Error(gw2.error.message);
    const c = await a.createConnection({ ...conn, remote_gateway: 'dc-gone2' });
    if (!c.ok) throw new Error(c.error.message);
    const [cGone, macs] = await Promise.all([a.deleteConnection(c.value.id), a.createMacs([{ mac: '02:00:00:00:00:01', rgw_connection: c.value.id }], (_i, k) => k)]);
    expect(cGone.ok).toBe(true);
    expect(macs).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });
});
