/**
 * `npm run bench -- vtep [--macs N]`: installs N remote MACs (default 100,000) into a
 * real ovsdb-server with the hardware_vtep schema, twice, each time into a fresh
 * database:
 *  - l2bgw: N type-2 routes received by the EVPN RIB (timed apart), then, timed as
 *    the install rate, their best paths turned into desired rows and written by the
 *    reconciler's writer through the OVSDB client (monitor included, as the daemon
 *    runs it);
 *  - the server's own limit: the same rows sent by a minimal JSON-RPC writer, one
 *    transaction in flight, at the transaction sizes that suit ovsdb-server, best kept.
 * Prints rows/s for both and their ratio.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OvsdbClient } from '../src/vtep/ovsdb/client.js';
import { vtepSchema } from '../src/vtep/ovsdb/vtep-schema.js';
import { RemoteState } from '../src/vtep/remote-state.js';
import { VTEP_DB, VtepWriter } from '../src/vtep/writer.js';
import { EvpnRib } from '../src/evpn/rib/rib.js';
import type { RibDelta } from '../src/evpn/rib/rib.js';
import { encodeEvpnNlri } from '../src/evpn/nlri.js';
import { buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import { formatMac } from '../src/evpn/addr.js';
import type { MacIpRoute } from '../src/evpn/types.js';
import type { UpdateMessage } from '../src/bgp/wire/types.js';
import { option } from './options.js';

const SCHEMA = '/usr/share/openvswitch/vtep.ovsschema';
const VNI = 5000;

interface Server {
  sock: string;
  lsUuid: string;
  stop(): void;
}

async function startServer(dir: string, name: string): Promise<Server> {
  const db = join(dir, `${name}.db`);
  const sock = join(dir, `${name}.sock`);
  spawnSync('ovsdb-tool', ['create', db, SCHEMA], { stdio: 'inherit' });
  const child = spawn('ovsdb-server', [db, `--remote=punix:${sock}`, `--unixctl=${join(dir, `${name}.ctl`)}`, '-vconsole:off', '--no-chdir'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('ovsdb-client', ['list-dbs', `unix:${sock}`]);
    if (r.status === 0) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const t = spawnSync('ovsdb-client', ['transact', `unix:${sock}`, JSON.stringify([VTEP_DB, { op: 'insert', table: 'Logical_Switch', row: { name: 'ls0', tunnel_key: VNI } }])], { encoding: 'utf8' });
  const lsUuid = (JSON.parse(t.stdout) as Array<{ uuid: [string, string] }>)[0].uuid[1];
  return { sock, lsUuid, stop: () => child.kill('SIGKILL') };
}

function macText(i: number): string {
  return formatMac(0x020000000000 + i);
}

/** The server's own rate: a minimal JSON-RPC writer, one transaction in flight. */
async function rawWriter(sock: string, lsUuid: string, n: number, perTxn: number): Promise<number> {
  const socket = createConnection(sock);
  await new Promise((r) => socket.once('connect', r));
  let buf = '';
  let waiter: ((v: unknown) => void) | undefined;
  socket.on('data', (d) => {
    buf += d.toString();
    // replies arrive one per request; each is one JSON object
    let depth = 0;
    let inStr = false;
    let esc = false;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (inStr) {
        if (esc) esc = false;
        else if (c === '\\') esc = true;
        else if (c === '"') inStr = false;
      } else if (c === '"') inStr = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        const msg = JSON.parse(buf.slice(0, i + 1)) as { id: unknown; method?: string };
        buf = buf.slice(i + 1);
        i = -1;
        if (msg.method === 'echo') socket.write(JSON.stringify({ id: msg.id, result: [], error: null }));
        else waiter?.(msg);
      }
    }
  });
  const t0 = performance.now();
  let locator: unknown = ['named-uuid', 'loc'];
  for (let start = 0, id = 1; start < n; start += perTxn, id++) {
    const ops: unknown[] = [VTEP_DB];
    if (start === 0) ops.push({ op: 'insert', table: 'Physical_Locator', 'uuid-name': 'loc', row: { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.2' } });
    for (let i = start; i < Math.min(n, start + perTxn); i++) {
      ops.push({ op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: macText(i), logical_switch: ['uuid', lsUuid], locator, ipaddr: '' } });
    }
    const reply = new Promise((r) => (waiter = r));
    socket.write(JSON.stringify({ id, method: 'transact', params: ops }));
    const res = (await reply) as { result: Array<{ uuid?: [string, string] }> };
    if (start === 0) locator = ['uuid', res.result[0].uuid?.[1]];
  }
  const ms = performance.now() - t0;
  socket.destroy();
  return (n / ms) * 1000;
}

function type2Updates(n: number): UpdateMessage[] {
  const ext = buildEvpnCommunities({ routeTargets: [`65000:${VNI}`], encapsulation: 8 });
  const nextHop = Buffer.from([192, 0, 2, 2]);
  const updates: UpdateMessage[] = [];
  for (let start = 0; start < n; start += 100) {
    const routes: MacIpRoute[] = [];
    for (let i = start; i < Math.min(n, start + 100); i++) routes.push({ type: 2, rd: '192.0.2.2:2', esi: '00000000000000000000', ethTag: 0, mac: 0x020000000000 + i, label1: VNI });
    updates.push({
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: { origin: 0, asPath: [], localPref: 100, extCommunities: ext, mpReach: { afi: 25, safi: 70, nextHop, nlri: encodeEvpnNlri(routes) } },
    });
  }
  return updates;
}

/**
 * l2bgw's path: UPDATEs → RIB → best paths, then (timed as the install rate)
 * best paths → desired rows → writer → ovsdb-server.
 */
async function l2bgwWriter(sock: string, lsUuid: string, n: number): Promise<{ ribMs: number; rowsPerS: number }> {
  const client = new OvsdbClient({ remote: `unix:${sock}`, reconnect: false });
  const c = await client.connect();
  if (!c.ok) throw new Error(c.error.message);
  const late: { writer?: VtepWriter } = {};
  const mon = await client.monitor(VTEP_DB, vtepSchema, { Logical_Switch: {}, Ucast_Macs_Remote: {}, Mcast_Macs_Remote: {}, Physical_Locator: {}, Physical_Locator_Set: {} }, (changes) => late.writer?.observedChanged(changes.map((c) => c.uuid)));
  if (!mon.ok) throw new Error(mon.error.message);
  const m = mon.value;
  const remote = new RemoteState();
  const managed = [{ uuid: lsUuid, name: 'ls0', tunnelKey: VNI }];
  const writer = (late.writer = new VtepWriter({
    transactor: client,
    source: {
      inputs: () => remote.inputs(managed),
      observe: () => ({ logicalSwitches: m.rows('Logical_Switch'), ucastRemote: m.rows('Ucast_Macs_Remote'), mcastRemote: m.rows('Mcast_Macs_Remote'), locators: m.rows('Physical_Locator'), locatorSets: m.rows('Physical_Locator_Set') }),
      allowDeletes: () => true,
    },
  }));
  const updates = type2Updates(n);
  const t0 = performance.now();
  const deltas: RibDelta[][] = [];
  const rib = new EvpnRib({
    routerId: 0xc000020a,
    localAs: 65000,
    listener: {
      deltas: (batch) => deltas.push([...batch]),
      event: () => {},
    },
  });
  rib.setEvi({ vni: VNI }, 0);
  rib.peerUp({ address: '127.0.0.1', remoteAs: 65000, localAs: 65000, routerId: 0xc0000202 }, 0);
  for (const u of updates) rib.receiveUpdate('127.0.0.1', u, [], 0);
  const ribMs = performance.now() - t0;
  const t1 = performance.now();
  // As a switch gets them in the daemon: the RIB's best-path deltas.
  for (const batch of deltas) remote.applyRibDeltas(batch);
  writer.inputsChanged();
  await writer.whenIdle();
  const ms = performance.now() - t1;
  const written = m.rows('Ucast_Macs_Remote').size;
  await client.close();
  if (written !== n) throw new Error(`l2bgw wrote ${written} rows, expected ${n}`);
  return { ribMs, rowsPerS: (n / ms) * 1000 };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const n = option(args, 'macs', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'l2bgw-bench-vtep-'));
  try {
    const server: Record<string, number> = {};
    for (const size of [50, 100, 250]) {
      const s = await startServer(dir, `raw${size}`);
      try {
        server[`txn_${size}`] = Math.round(await rawWriter(s.sock, s.lsUuid, n, size));
      } finally {
        s.stop();
      }
      console.error(`ovsdb-server, ${size} rows per transaction: ${server[`txn_${size}`]} rows/s`);
    }
    const s = await startServer(dir, 'l2bgw');
    let ours: number;
    let ribMs: number;
    try {
      const r = await l2bgwWriter(s.sock, s.lsUuid, n);
      ours = Math.round(r.rowsPerS);
      ribMs = Math.round(r.ribMs);
    } finally {
      s.stop();
    }
    console.error(`l2bgw: ${n} routes into the RIB in ${ribMs} ms, then Loc-RIB → reconciler → writer: ${ours} rows/s`);
    const bestServer = Math.max(...Object.values(server));
    return {
      macs: n,
      rib_load_ms: ribMs,
      l2bgw_rows_per_s: ours,
      ovsdb_server_best_rows_per_s: bestServer,
      ovsdb_server_rows_per_s_by_txn_size: server,
      ratio_server_to_l2bgw: Number((bestServer / ours).toFixed(2)),
      unit: 'rows/s',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
