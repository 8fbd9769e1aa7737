/**
 * The built `l2bgw` CLI (bin/l2bgw.js → dist, built by test/support/build-dist.ts)
 * against the REST API on a loopback port.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderShow, renderTable } from '../../src/api/cli.js';
import { runScript } from '../support/process.js';
import type { ScriptResult } from '../support/process.js';
import { startHarness, TOKEN } from './harness.js';
import type { Harness } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let h: Harness;
let dir: string;
let url: string;

function cli(...args: string[]): Promise<ScriptResult> {
  return runScript(join(ROOT, 'bin/l2bgw.js'), '--url', url, '--token-file', join(dir, 'token'), ...args);
}

beforeAll(async () => {
  h = await startHarness();
  url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'l2bgw-cli-'));
  await writeFile(join(dir, 'token'), `  ${TOKEN}\n\n`);
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tables', () => {
  it('draw like the reference document', () => {
    expect(renderTable(['id', 'name', 'ipaddr'], [['63821629-6cfd-44c8-8c4a-14c4b5fe28ea', 'rgw1', '10.0.0.1']])).toBe([
      '+--------------------------------------+------+----------+',
      '| id                                   | name | ipaddr   |',
      '+--------------------------------------+------+----------+',
      '| 63821629-6cfd-44c8-8c4a-14c4b5fe28ea | rgw1 | 10.0.0.1 |',
      '+--------------------------------------+------+----------+',
      '',
    ].join('\n'));
    expect(renderShow({ name: 'rgw1', id: '63821629-6cfd-44c8-8c4a-14c4b5fe28ea', ipaddr: '10.0.0.1' })).toBe([
      '+--------+--------------------------------------+',
      '| Field  | Value                                |',
      '+--------+--------------------------------------+',
      '| id     | 63821629-6cfd-44c8-8c4a-14c4b5fe28ea |',
      '| ipaddr | 10.0.0.1                             |',
      '| name   | rgw1                                 |',
      '+--------+--------------------------------------+',
      '',
    ].join('\n'));
  });
});

describe('l2bgw CLI', () => {
  it('manages gateways, connections and MACs', async () => {
    const c = await cli('l2-remote-gateway-create', 'rgw1', '10.0.0.1');
    expect(c.code).toBe(0);
    const id = h.store.getGateway('rgw1')?.id as string;
    expect(c.stdout).toBe(`Created a new remote gateway:\n${renderShow({ id, name: 'rgw1', ipaddr: '10.0.0.1' })}`);
    expect((await cli('l2-remote-gateway-list')).stdout).toBe(renderTable(['id', 'name', 'ipaddr'], [[id, 'rgw1', '10.0.0.1']]));
    expect((await cli('l2-remote-gateway-show', id)).stdout).toBe(renderShow({ id, name: 'rgw1', ipaddr: '10.0.0.1' }));
    const u = await cli('l2-remote-gateway-update', 'rgw1', '--ip', '10.0.0.2');
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('| ipaddr | 10.0.0.2');

    const conn = await cli('--format', 'json', 'l2-remote-gateway-connection-create', 'ps0', 'ls5000', 'rgw1', '--seg-id', '9765', '--flood', 'False');
    expect(conn.code).toBe(0);
    const cj = JSON.parse(conn.stdout)['remote-gateway-connection'];
    expect(cj).toMatchObject({ segmentation_id: 9765, flood: false, network_id: h.ls5000 });
    expect((await cli('l2-remote-gateway-connection-list')).stdout).toBe(renderTable(
      ['id', 'l2_gateway_id', 'network_id', 'segmentation_id'], [[cj.id, h.ps0, h.ls5000, '9765']]));
    expect((await cli('l2-remote-gateway-connection-show', cj.id)).stdout).toContain('| flood             | False');

    const m = await cli('l2-remote-mac-create', '00:11:22:33:44:55;192.168.10.23', cj.id);
    expect(m.code).toBe(0);
    const mac = h.store.listMacs(cj.id)[0];
    expect((await cli('l2-remote-mac-show', mac.uuid)).stdout).toBe(renderShow({ ipaddr: '192.168.10.23', mac: '00:11:22:33:44:55', rgw_connection: cj.id, uuid: mac.uuid }));
    await writeFile(join(dir, 'macs.txt'), '00:11:22:33:44:66;1.2.3.6\n\n00:11:22:33:44:77\n');
    expect((await cli('l2-remote-mac-bulk-create', cj.id, join(dir, 'macs.txt'))).code).toBe(0);
    const list = await cli('l2-remote-mac-list', '--remote-connection', cj.id);
    expect(list.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.includes('uuid'))).toHaveLength(3);
    expect((await cli('l2-remote-mac-delete', mac.uuid)).stdout).toBe(`Deleted remote MAC: ${mac.uuid}\n`);

    const busy = await cli('l2-remote-gateway-delete', 'rgw1');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/^Error: remote gateway rgw1 is used/);
    expect((await cli('l2-remote-gateway-connection-delete', cj.id)).code).toBe(0);
    expect((await cli('l2-remote-mac-list')).stdout).toBe(renderTable(['uuid', 'mac', 'ipaddr', 'rgw_connection'], []));
    expect((await cli('l2-remote-gateway-delete', 'rgw1')).code).toBe(0);
  }, 60_000);

  it('lists peers and routes', async () => {
    h.state.peerList = [{ address: '127.0.0.2', remote_as: 65000, state: 'Established', uptime: 5, prefixes_received: 2, prefixes_sent: 1 }];
    h.state.routeList = [
      { type: 2, vni: 5000, rd: '192.0.2.1:1', mac: '00:11:22:33:44:55', next_hop: '192.0.2.1', peer: '127.0.0.2', best: true, installed: true, route_targets: [] },
      { type: 3, vni: 5000, rd: '192.0.2.1:1', ip: '192.0.2.1', next_hop: '192.0.2.1', peer: '127.0.0.2', best: true, installed: true, route_targets: [] },
    ];
    expect((await cli('bgp-peer-list')).stdout).toContain('| 127.0.0.2 | 65000     | Established |');
    const r = await cli('evpn-route-list', '--vni', '5000', '--type', '3');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('| 3'))).toHaveLength(1);
  });

  it('exit 1 with the server message on API errors, 2 on usage errors', async () => {
    const bad = await cli('l2-remote-gateway-create', 'x', '10.0.0.300');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('remote-gateway.ipaddr');
    expect((await cli('l2-remote-gateway-show', 'nosuch')).stderr).toBe('Error: no remote gateway nosuch\n');
    for (const args of [['l2-remote-gateway-create', 'x'], ['nosuch-command'], ['l2-remote-gateway-connection-create', 'a', 'b', 'c', '--seg-id', 'x'],
      ['l2-remote-gateway-connection-create', 'a', 'b', 'c', '--flood', 'maybe'], ['l2-remote-gateway-update', 'x'], ['--format', 'xml', 'bgp-peer-list']]) {
      expect({ args, code: (await cli(...args)).code }).toEqual({ args, code: 2 });
    }
    const noToken = await cli('--token-file', join(dir, 'missing'), 'bgp-peer-list');
    expect(noToken.code).toBe(1);
    await writeFile(join(dir, 'wrong'), 'nope');
    const wrong = await cli('--token-file', join(dir, 'wrong'), 'bgp-peer-list');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('token');
  });
});
