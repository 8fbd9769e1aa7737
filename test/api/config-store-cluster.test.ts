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
});
