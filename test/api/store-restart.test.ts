import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildApiServer } from '../../src/api/server.js';
import { RateLimiter } from '../../src/api/rate-limit.js';
import { waitFor } from '../support/process.js';
import { startHarness, TOKEN } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  h = await startHarness();
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('config database restart', () => {
  it('keeps every row, answers 503 while down, and accepts writes again after', async () => {
    const gw = await h.app.inject({ method: 'POST', url: '/v2.0/l2-remote-gateways', headers: auth, payload: { 'remote-gateway': { name: 'keep', ipaddr: '203.0.113.5' } } });
    const id = JSON.parse(gw.body)['remote-gateway'].id as string;
    const conn = await h.app.inject({ method: 'POST', url: '/v2.0/l2-remote-gateway-connections', headers: auth, payload: { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls5000', remote_gateway: 'keep' } } });
    const connId = JSON.parse(conn.body)['remote-gateway-connection'].id as string;
    await h.app.inject({ method: 'POST', url: '/v2.0/l2-remote-macs', headers: auth, payload: { 'remote-mac': { mac: '00:aa:bb:cc:dd:ee', ip: '10.1.1.1', rgw_connection: connId } } });

    await h.configDb.stop();
    await waitFor(() => !h.store.connected, 'the store to see the server go', 10_000);
    const down = await h.app.inject({ method: 'POST', url: '/v2.0/l2-remote-gateways', headers: auth, payload: { 'remote-gateway': { name: 'later', ipaddr: '203.0.113.6' } } });
    expect(down.statusCode).toBe(503);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);

    await h.configDb.restart();
    await waitFor(() => h.store.connected, 'the store to reconnect', 10_000);
    expect(h.store.getGateway(id)).toEqual({ id, name: 'keep', ipaddr: '203.0.113.5' });
    expect(h.store.getConnection(connId)?.segmentation_id).toBe(5000);
    expect(h.store.listMacs(connId)).toEqual([expect.objectContaining({ mac: '00:aa:bb:cc:dd:ee', ipaddr: '10.1.1.1' })]);
    const again = await h.app.inject({ method: 'POST', url: '/v2.0/l2-remote-gateways', headers: auth, payload: { 'remote-gateway': { name: 'later', ipaddr: '203.0.113.6' } } });
    expect(again.statusCode).toBe(201);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 30_000);
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once the bucket is empty', async () => {
    const app = await buildApiServer({ store: h.store, directory: h.directory, state: h.state, metrics: h.metrics, token: TOKEN, log: pino({ level: 'silent' }), rateLimit: { burst: 3, perSecond: 0.01 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'GET', url: '/v2.0/l2-remote-gateways', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const r = await app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(r.body).error.reason).toBe('rate-limited');
    await app.close();
  });

  it('refills per client at the configured rate', () => {
    let t = 0;
    const rl = new RateLimiter({ burst: 2, perSecond: 1 }, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('b')]).toEqual([true, true, false, true]);
    t = 1000;
    expect([rl.take('a'), rl.take('a')]).toEqual([true, false]);
  });
});
