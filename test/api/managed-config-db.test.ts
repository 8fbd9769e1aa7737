import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/api/config-store.js';
import { ManagedConfigDb } from '../../src/api/managed-config-db.js';
import { alive, waitFor } from '../support/process.js';

const log = pino({ level: 'silent' });
let dir: string;
const started: ManagedConfigDb[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgw-managed-'));
});

afterAll(async () => {
  for (const m of started) await m.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('ManagedConfigDb', () => {
  it('creates the database, restarts a killed server, is adopted by the next run and stops', async () => {
    const dataDir = join(dir, 'var');
    const a = new ManagedConfigDb({ dataDir, log });
    started.push(a);
    const r = await a.start();
    expect(r).toMatchObject({ ok: true, adopted: false });
    expect(existsSync(a.dbFile)).toBe(true);
    expect(existsSync(a.pidFile)).toBe(true);

    const store = await ConfigStore.open({ remote: a.remote, probeIntervalMs: 0 });
    if (!store.ok) throw new Error(store.error.message);
    expect((await store.value.createGateway({ name: 'gw', ipaddr: '192.0.2.1' })).ok).toBe(true);

    const first = a.pid as number;
    process.kill(first, 'SIGKILL');
    await waitFor(() => a.restarts === 1 && a.pid !== undefined && a.pid !== first, 'the killed server started again', 15_000);
    await waitFor(() => store.value.connected && store.value.getGateway('gw') !== undefined, 'the store back with its row', 15_000);
    expect((await store.value.createGateway({ name: 'gw2', ipaddr: '192.0.2.2' })).ok).toBe(true);
    await store.value.close();

    // The next run adopts the server through its pidfile.
    const second = a.pid as number;
    a.release();
    const b = new ManagedConfigDb({ dataDir, log });
    started.push(b);
    expect(await b.start()).toEqual({ ok: true, adopted: true, pid: second });
    const again = await ConfigStore.open({ remote: b.remote, probeIntervalMs: 0 });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.listGateways().map((g) => g.name).sort()).toEqual(['gw', 'gw2']);
    await again.value.close();

    await b.stop();
    expect(alive(second)).toBe(false);
    expect(existsSync(b.pidFile)).toBe(false);

    // A fresh start keeps the data of the existing file.
    const c = new ManagedConfigDb({ dataDir, log });
    started.push(c);
    expect(await c.start()).toMatchObject({ ok: true, adopted: false });
    const third = await ConfigStore.open({ remote: c.remote, probeIntervalMs: 0 });
    if (!third.ok) throw new Error(third.error.message);
    expect(third.value.listGateways()).toHaveLength(2);
    await third.value.close();
    await c.stop();
  }, 60_000);

  it('reports a bad schema file as data', async () => {
    const m = new ManagedConfigDb({ dataDir: join(dir, 'bad'), log, schemaFile: join(dir, 'missing.ovsschema') });
    const r = await m.start();
    expect(r.ok).toBe(false);
  });
});
