import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startHarness, TOKEN } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 30_000);

afterAll(async () => {
  await h?.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by shape below
async function call(method: Method, url: string, body?: unknown, opts: Partial<InjectOptions> = {}): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  const r = await h.app.inject({
    method, url, ...(body !== undefined ? { payload: body as object } : {}), ...opts,
    headers: { authorization: `Bearer ${TOKEN}`, ...(opts.headers ?? {}) },
  } as InjectOptions);
  let json: unknown;
  try {
    json = r.body === '' ? undefined : JSON.parse(r.body);
  } catch {
    json = r.body;
  }
  return { status: r.statusCode, json, headers: r.headers };
}

describe('remote gateways', () => {
  it('create, list, show by name and id, update, delete', async () => {
    const c = await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'rgw1', ipaddr: '10.0.0.1' } });
    expect(c.status).toBe(201);
    const id = c.json['remote-gateway'].id as string;
    expect(c.json).toEqual({ 'remote-gateway': { id, name: 'rgw1', ipaddr: '10.0.0.1' } });
    expect((await call('GET', '/v2.0/l2-remote-gateways')).json['remote-gateways']).toContainEqual({ id, name: 'rgw1', ipaddr: '10.0.0.1' });
    expect((await call('GET', '/v2.0/l2-remote-gateways/rgw1')).json['remote-gateway'].id).toBe(id);
    expect((await call('GET', `/v2.0/l2-remote-gateways/${id}`)).json['remote-gateway'].name).toBe('rgw1');
    const u = await call('PUT', `/v2.0/l2-remote-gateways/rgw1`, { 'remote-gateway': { name: 'rgw1b', ipaddr: '2001:DB8::1' } });
    expect(u.status).toBe(200);
    expect(u.json['remote-gateway']).toEqual({ id, name: 'rgw1b', ipaddr: '2001:db8::1' });
    expect((await call('GET', '/v2.0/l2-remote-gateways/rgw1')).status).toBe(404);
    expect((await call('DELETE', `/v2.0/l2-remote-gateways/rgw1b`)).status).toBe(204);
    expect((await call('GET', `/v2.0/l2-remote-gateways/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/v2.0/l2-remote-gateways/${id}`)).status).toBe(404);
  });

  it('409 on a duplicate name, by create and by rename', async () => {
    await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dupa', ipaddr: '10.0.0.2' } });
    await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dupb', ipaddr: '10.0.0.3' } });
    const c = await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dupa', ipaddr: '10.0.0.4' } });
    expect(c.status).toBe(409);
    expect(c.json.error).toMatchObject({ status: 409, field: 'remote-gateway.name', reason: 'conflict' });
    const u = await call('PUT', '/v2.0/l2-remote-gateways/dupb', { 'remote-gateway': { name: 'dupa' } });
    expect(u.status).toBe(409);
    expect((await call('PUT', '/v2.0/l2-remote-gateways/nosuch', { 'remote-gateway': { name: 'x' } })).status).toBe(404);
  });

  it('writes one audit line per change, without the token', async () => {
    const before = h.logLines.length;
    await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'audited', ipaddr: '10.0.0.9' } });
    await call('GET', '/v2.0/l2-remote-gateways');
    const lines = h.logLines.slice(before);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).audit).toMatchObject({ action: 'remote-gateway.create', name: 'audited' });
    expect(h.logLines.join('')).not.toContain(TOKEN);
  });
});

describe('connections and MACs', () => {
  let gwId: string;
  let connId: string;

  beforeAll(async () => {
    gwId = (await call('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'site-b', ipaddr: '198.51.100.7' } })).json['remote-gateway'].id;
  });

  it('creates a connection by names with defaults from the logical switch', async () => {
    const c = await call('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls5000', remote_gateway: 'site-b' } });
    expect(c.status).toBe(201);
    connId = c.json['remote-gateway-connection'].id;
    expect(c.json['remote-gateway-connection']).toEqual({
      id: connId, l2_gateway: 'ps0', l2_gateway_id: h.ps0, network: 'ls5000', network_id: h.ls5000,
      remote_gateway_id: gwId, segmentation_id: 5000, network_type: 'vxlan', flood: true,
    });
    expect((await call('GET', `/v2.0/l2-remote-gateway-connections/${connId}`)).json['remote-gateway-connection'].id).toBe(connId);
    expect((await call('GET', '/v2.0/l2-remote-gateway-connections')).json['remote-gateway-connections'].map((x: { id: string }) => x.id)).toContain(connId);
  });

  it('creates a connection by uuids with an explicit segmentation id and no flooding', async () => {
    const c = await call('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: h.ps0, network: h.lsNoKey, remote_gateway: gwId, segmentation_id: 7001, flood: false } });
    expect(c.status).toBe(201);
    expect(c.json['remote-gateway-connection']).toMatchObject({ network: 'lsnokey', segmentation_id: 7001, flood: false });
    const id = c.json['remote-gateway-connection'].id;
    expect((await call('DELETE', `/v2.0/l2-remote-gateway-connections/${id}`)).status).toBe(204);
  });

  it('refuses unknown switches, networks, gateways, a network without VNI, and other network types', async () => {
    const post = (c: object) => call('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls5000', remote_gateway: 'site-b', ...c } });
    const cases: [object, number, string][] = [
      [{ l2_gateway: 'unmanaged' }, 404, 'remote-gateway-connection.l2_gateway'],
      [{ l2_gateway: 'nosuch' }, 404, 'remote-gateway-connection.l2_gateway'],
      [{ network: 'nosuch' }, 404, 'remote-gateway-connection.network'],
      [{ remote_gateway: 'nosuch' }, 404, 'remote-gateway-connection.remote_gateway'],
      [{ network: 'lsnokey' }, 400, 'remote-gateway-connection.segmentation_id'],
      [{ network_type: 'gre' }, 400, 'remote-gateway-connection.network_type'],
      [{ segmentation_id: 0 }, 400, 'remote-gateway-connection.segmentation_id'],
      [{ segmentation_id: 16777216 }, 400, 'remote-gateway-connection.segmentation_id'],
      [{ flood: 'True' }, 400, 'remote-gateway-connection.flood'],
    ];
    for (const [c, status, field] of cases) {
      const r = await post(c);
      expect({ c, status: r.status, field: r.json.error?.field }).toEqual({ c, status, field });
    }
    // the same connection twice
    expect((await post({})).status).toBe(409);
  });

  it('409 on deleting a gateway a connection uses', async () => {
    const r = await call('DELETE', '/v2.0/l2-remote-gateways/site-b');
    expect(r.status).toBe(409);
    expect(r.json.error.reason).toBe('conflict');
    expect((await call('GET', '/v2.0/l2-remote-gateways/site-b')).status).toBe(200);
  });

  it('creates, lists, filters, shows and deletes remote MACs', async () => {
    const one = await call('POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:AA', ip: '192.168.10.23', rgw_connection: connId } });
    expect(one.status).toBe(201);
    const m = one.json['remote-mac'];
    expect(m).toEqual({ uuid: m.uuid, mac: '00:11:22:33:44:aa', ipaddr: '192.168.10.23', rgw_connection: connId });
    const bulk = await call('POST', '/v2.0/l2-remote-macs', { 'remote-macs': [
      { mac: '00:11:22:33:44:55', ip: '1.2.3.5', rgw_connection: connId },
      { mac: '00:11:22:33:44:66', rgw_connection: connId },
    ] });
    expect(bulk.status).toBe(201);
    expect(bulk.json['remote-macs']).toHaveLength(2);
    expect(bulk.json['remote-macs'][1].ipaddr).toBeNull();
    expect((await call('GET', `/v2.0/l2-remote-macs?remote_connection=${connId}`)).json['remote-macs']).toHaveLength(3);
    expect((await call('GET', `/v2.0/l2-remote-macs?remote_connection=00000000-0000-0000-0000-000000000001`)).json['remote-macs']).toHaveLength(0);
    expect((await call('GET', `/v2.0/l2-remote-macs/${m.uuid}`)).json['remote-mac']).toEqual(m);
    // duplicate MAC on the same connection
    expect((await call('POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:aa', rgw_connection: connId } })).status).toBe(409);
    expect((await call('DELETE', `/v2.0/l2-remote-macs/${m.uuid}`)).status).toBe(204);
    expect((await call('GET', `/v2.0/l2-remote-macs/${m.uuid}`)).status).toBe(404);
    expect((await call('DELETE', `/v2.0/l2-remote-macs/${m.uuid}`)).status).toBe(404);
  });

  it('bulk create with one bad entry writes nothing', async () => {
    const dump = async () => (await h.configDb.client('dump', 'L2bgw_Config', 'Remote_Mac')).split('\n').filter((l) => /[0-9a-f]{8}-/.test(l)).length;
    const before = await dump();
    const unknownConn = await call('POST', '/v2.0/l2-remote-macs', { 'remote-macs': [
      { mac: '00:00:00:00:01:01', rgw_connection: connId },
      { mac: '00:00:00:00:01:02', rgw_connection: '00000000-0000-0000-0000-00000000abcd' },
    ] });
    expect(unknownConn.status).toBe(404);
    expect(unknownConn.json.error.field).toBe('remote-macs[1].rgw_connection');
    const badMac = await call('POST', '/v2.0/l2-remote-macs', { 'remote-macs': [
      { mac: '00:00:00:00:01:01', rgw_connection: connId },
      { mac: '00:00:00:00:01', rgw_connection: connId },
    ] });
    expect(badMac.status).toBe(400);
    expect(badMac.json.error.field).toBe('remote-macs[1].mac');
    const dup = await call('POST', '/v2.0/l2-remote-macs', { 'remote-macs': [
      { mac: '00:00:00:00:01:01', rgw_connection: connId },
      { mac: '00:00:00:00:01:01', rgw_connection: connId },
    ] });
    expect(dup.status).toBe(409);
    expect(await dump()).toBe(before);
  });

  it('gives the VTEP side the manual state and deletes a connection with its MACs', async () => {
    const seen: number[] = [];
    const off = h.store.onChange((s) => seen.push(s.length));
    const state = h.store.manualState().find((c) => c.id === connId);
    expect(state).toMatchObject({ l2GatewaySwitch: 'ps0', logicalSwitchUuid: h.ls5000, dstIp: '198.51.100.7', tunnelKey: 5000, flood: true });
    expect(state?.macs.map((x) => x.mac).sort()).toEqual(['00:11:22:33:44:55', '00:11:22:33:44:66']);
    expect((await call('DELETE', `/v2.0/l2-remote-gateway-connections/${connId}`)).status).toBe(204);
    off();
    expect(seen.length).toBeGreaterThan(0);
    expect(h.store.listMacs(connId)).toHaveLength(0);
    const dump = await h.configDb.client('dump', 'L2bgw_Config', 'Remote_Mac');
    expect(dump).not.toContain(connId);
    expect((await call('GET', `/v2.0/l2-remote-gateway-connections/${connId}`)).status).toBe(404);
    expect((await call('DELETE', `/v2.0/l2-remote-gateway-connections/${connId}`)).status).toBe(404);
    expect((await call('DELETE', '/v2.0/l2-remote-gateways/site-b')).status).toBe(204);
  });
});

describe('validation', () => {
  const long = 'a'.repeat(2 * 1024 * 1024);
  const cases: [string, Method, string, unknown, number, string | null][] = [
    ['missing wrapper', 'POST', '/v2.0/l2-remote-gateways', { name: 'x', ipaddr: '10.0.0.1' }, 400, 'remote-gateway'],
    ['extra field', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x', ipaddr: '10.0.0.1', tenant_id: 'y' } }, 400, 'remote-gateway.tenant_id'],
    ['missing ip', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x' } }, 400, 'remote-gateway.ipaddr'],
    ['ip wrong type', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x', ipaddr: 10 } }, 400, 'remote-gateway.ipaddr'],
    ['bad ipv4', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x', ipaddr: '10.0.0.256' } }, 400, 'remote-gateway.ipaddr'],
    ['bad ipv6', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x', ipaddr: '2001:db8:::1' } }, 400, 'remote-gateway.ipaddr'],
    ['bad name', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'a b', ipaddr: '10.0.0.1' } }, 400, 'remote-gateway.name'],
    ['uuid name', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea', ipaddr: '10.0.0.1' } }, 400, 'remote-gateway.name'],
    ['name wrong type', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: ['x'], ipaddr: '10.0.0.1' } }, 400, 'remote-gateway.name'],
    ['array body', 'POST', '/v2.0/l2-remote-gateways', [], 400, null],
    ['empty update', 'PUT', '/v2.0/l2-remote-gateways/x', { 'remote-gateway': {} }, 400, 'remote-gateway'],
    ['bad mac', 'POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:5g', rgw_connection: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea' } }, 400, 'remote-mac.mac'],
    ['mac with dashes', 'POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00-11-22-33-44-55', rgw_connection: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea' } }, 400, 'remote-mac.mac'],
    ['bad mac ip', 'POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:55', ip: '1.2.3', rgw_connection: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea' } }, 400, 'remote-mac.ip'],
    ['bad connection id', 'POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:55', rgw_connection: 'conn1' } }, 400, 'remote-mac.rgw_connection'],
    ['both single and bulk', 'POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '00:11:22:33:44:55', rgw_connection: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea' }, 'remote-macs': [] }, 400, null],
    ['empty bulk', 'POST', '/v2.0/l2-remote-macs', { 'remote-macs': [] }, 400, 'remote-macs'],
    ['vni as string', 'POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls5000', remote_gateway: 'x', segmentation_id: '5000' } }, 400, 'remote-gateway-connection.segmentation_id'],
    ['vni float', 'POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls5000', remote_gateway: 'x', segmentation_id: 1.5 } }, 400, 'remote-gateway-connection.segmentation_id'],
    ['bad query', 'GET', '/v2.0/l2-remote-macs?remote_connection=nope', undefined, 400, 'remote_connection'],
    ['unknown query', 'GET', '/v2.0/l2-remote-macs?foo=1', undefined, 400, 'foo'],
    ['bad route type', 'GET', '/v2.0/evpn/routes?type=5', undefined, 400, 'type'],
    ['bad route vni', 'GET', '/v2.0/evpn/routes?vni=abc', undefined, 400, 'vni'],
    ['huge body', 'POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'x', ipaddr: long } }, 413, null],
  ];
  for (const [what, method, url, body, status, field] of cases) {
    it(`${what} → ${status}`, async () => {
      const r = await call(method, url, body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatchObject({ status, field });
      expect(typeof r.json.error.message).toBe('string');
    });
  }

  it('malformed JSON → 400, empty JSON → 400, other media types → 415', async () => {
    const bad = await call('POST', '/v2.0/l2-remote-gateways', undefined, { payload: '{"remote-gateway": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.reason).toBe('invalid-json');
    const empty = await call('POST', '/v2.0/l2-remote-gateways', undefined, { payload: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    const text = await call('POST', '/v2.0/l2-remote-gateways', undefined, { payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    expect(text.json.error.reason).toBe('media-type');
  });

  it('unknown routes → 404 JSON', async () => {
    const r = await call('GET', '/v2.0/nothing');
    expect(r.status).toBe(404);
    expect(r.json.error.reason).toBe('not-found');
  });
});

describe('auth', () => {
  const protectedRoutes: [Method, string][] = [
    ['GET', '/v2.0/l2-remote-gateways'], ['POST', '/v2.0/l2-remote-gateways'], ['GET', '/v2.0/l2-remote-gateways/x'],
    ['PUT', '/v2.0/l2-remote-gateways/x'], ['DELETE', '/v2.0/l2-remote-gateways/x'],
    ['GET', '/v2.0/l2-remote-gateway-connections'], ['POST', '/v2.0/l2-remote-gateway-connections'],
    ['GET', '/v2.0/l2-remote-gateway-connections/x'], ['DELETE', '/v2.0/l2-remote-gateway-connections/x'],
    ['GET', '/v2.0/l2-remote-macs'], ['POST', '/v2.0/l2-remote-macs'], ['GET', '/v2.0/l2-remote-macs/x'], ['DELETE', '/v2.0/l2-remote-macs/x'],
    ['GET', '/v2.0/bgp/peers'], ['GET', '/v2.0/evpn/routes'], ['GET', '/v2.0/vteps'], ['GET', '/metrics'], ['GET', '/openapi.json'],
  ];
  for (const [method, url] of protectedRoutes) {
    it(`${method} ${url} refuses a missing or wrong token`, async () => {
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer']) {
        const r = await h.app.inject({ method, url, headers: authorization === undefined ? {} : { authorization }, ...(method === 'POST' || method === 'PUT' ? { payload: {} } : {}) });
        expect(r.statusCode).toBe(401);
        expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(JSON.parse(r.body).error.reason).toBe('unauthorized');
      }
    });
  }

  it('the openapi document lists every route', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    const ops = Object.entries(doc.paths as Record<string, object>).flatMap(([p, m]) => Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`));
    for (const [method, url] of protectedRoutes) expect(ops).toContain(`${method} ${url.replace(/\/x$/, '/{id}')}`);
    expect(ops).toContain('GET /healthz');
    expect(doc.paths['/v2.0/l2-remote-gateways'].post.requestBody.content['application/json'].schema.properties['remote-gateway'].required).toEqual(['name', 'ipaddr']);
  });

  it('healthz needs no token; metrics are Prometheus text', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', config_db: 'connected' });
    h.metrics.setSessions({ Established: 2, Idle: 1 });
    h.metrics.observeOvsdbTransaction('hardware_vtep', 0.002, true);
    const m = await call('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(String(m.headers['content-type'])).toMatch(/^text\/plain/);
    expect(m.json).toContain('l2bgw_bgp_sessions{state="Established"} 2');
    expect(m.json).toContain('l2bgw_ovsdb_transaction_seconds_bucket');
  });
});

describe('state endpoints', () => {
  it('answer from the gateway state, routes filtered by vni and type', async () => {
    h.state.peerList = [{ address: '127.0.0.2', remote_as: 65000, state: 'Established', uptime: 12, prefixes_received: 3, prefixes_sent: 1 }];
    h.state.routeList = [
      { type: 2, vni: 5000, rd: '192.0.2.1:1', mac: '00:11:22:33:44:55', next_hop: '192.0.2.1', peer: '127.0.0.2', best: true, installed: true, route_targets: ['65000:5000'] },
      { type: 3, vni: 5000, rd: '192.0.2.1:1', ip: '192.0.2.1', next_hop: '192.0.2.1', peer: '127.0.0.2', best: true, installed: true, route_targets: ['65000:5000'] },
      { type: 2, vni: 6000, rd: '192.0.2.1:2', mac: '00:11:22:33:44:66', next_hop: '2001:db8::1', peer: '127.0.0.2', best: true, installed: false, not_installed_reason: 'ipv6-next-hop', route_targets: ['65000:6000'] },
    ];
    h.state.vtepList = [{ switch: 'ps0', ovsdb: 'unix:/x', connected: true, remote_macs: [{ mac: '00:11:22:33:44:55', logical_switch: h.ls5000, dst_ip: '192.0.2.1', source: 'bgp' }] }];
    expect((await call('GET', '/v2.0/bgp/peers')).json.peers).toEqual(h.state.peerList);
    expect((await call('GET', '/v2.0/evpn/routes')).json.routes).toHaveLength(3);
    expect((await call('GET', '/v2.0/evpn/routes?vni=5000')).json.routes).toHaveLength(2);
    expect((await call('GET', '/v2.0/evpn/routes?vni=5000&type=3')).json.routes).toHaveLength(1);
    expect((await call('GET', '/v2.0/vteps')).json.vteps[0].remote_macs[0].source).toBe('bgp');
  });
});
