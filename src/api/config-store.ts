/**
 * The config store: remote gateways, remote gateway connections and remote
 * MACs (DESIGN §4, the manual override of BGP learning) kept in l2bgw's own
 * OVSDB database (schema/l2bgw-config.ovsschema) through the RFC 7047 client.
 *
 * All three tables are monitored (RFC 7047 §4.1.5, monitor_cond_since where
 * the server has it), so every instance sharing the database (e.g. speakers
 * pointed at members of one Raft cluster) sees each change at once; reads
 * answer from that cache. Every change is one transaction (§4.1.3): a bulk
 * MAC create is all or nothing, deleting a connection deletes its MACs in
 * the same transaction, and the strong reference Remote_Gateway_Connection
 * → Remote_Gateway makes the server refuse to delete a gateway still in use
 * (§3.2 referential integrity, checked at commit).
 *
 * Left out: optimistic concurrency on updates (last writer wins).
 */
import { OvsdbClient } from '../vtep/ovsdb/client.js';
import type { Monitor } from '../vtep/ovsdb/client.js';
import type { OvsdbError, OvsdbResult } from '../vtep/ovsdb/errors.js';
import { TxnBuilder } from '../vtep/ovsdb/codec/ops.js';
import type { Operation } from '../vtep/ovsdb/codec/ops.js';
import { isUuid } from '../vtep/ovsdb/codec/values.js';
import type { ManualConnection } from '../vtep/remote-state.js';
import { configSchema } from './config-schema.js';
import type { ConfigTables, RemoteGatewayConnectionRow, RemoteGatewayRow, RemoteMacRow } from './config-schema.js';

export const CONFIG_DB = 'L2bgw_Config';

/** A remote gateway as the REST API shows it. */
export interface RemoteGateway {
  id: string;
  name: string;
  ipaddr: string;
}

/** A remote gateway connection as the REST API shows it. */
export interface RemoteGatewayConnection {
  id: string;
  l2_gateway: string;
  l2_gateway_id: string;
  network: string;
  network_id: string;
  remote_gateway_id: string;
  segmentation_id: number;
  network_type: 'vxlan';
  flood: boolean;
}

/** A remote MAC as the REST API shows it. */
export interface RemoteMac {
  uuid: string;
  mac: string;
  ipaddr: string | null;
  rgw_connection: string;
}

/** A connection ready for the VTEP side: the remote-state input plus the switch it belongs to. */
export interface ManualConnectionEntry extends ManualConnection {
  /** the l2_gateway: name of the managed Physical_Switch */
  l2GatewaySwitch: string;
  /** segmentation_id (always set: it defaults to the logical switch's tunnel_key at creation) */
  tunnelKey: number;
}

export type StoreErrorKind = 'not_found' | 'conflict' | 'unavailable' | 'failed';

export interface StoreError {
  kind: StoreErrorKind;
  message: string;
  /** The request field the error is about, when there is one. */
  field?: string;
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

export interface NewConnection {
  l2_gateway: string;
  l2_gateway_id: string;
  network: string;
  network_id: string;
  /** name or uuid of a remote gateway */
  remote_gateway: string;
  segmentation_id: number;
  network_type: 'vxlan';
  flood: boolean;
}

export interface NewMac {
  mac: string;
  ipaddr?: string;
  /** uuid of a remote gateway connection */
  rgw_connection: string;
}

export type ManualStateListener = (state: readonly ManualConnectionEntry[]) => void;

export interface ConfigStoreOptions {
  /** unix:PATH or tcp:HOST:PORT of the config database's ovsdb-server (or a Raft cluster member). */
  remote: string;
  probeIntervalMs?: number;
  /** How long a write waits for its own change to reach the monitor cache (default 5000 ms). */
  settleMs?: number;
}

type Tables = Pick<ConfigTables, 'Remote_Gateway' | 'Remote_Gateway_Connection' | 'Remote_Mac'>;

const fail = <T>(kind: StoreErrorKind, message: string, field?: string): StoreResult<T> =>
  ({ ok: false, error: field === undefined ? { kind, message } : { kind, message, field } });

/** The server refused the commit for a row referring to one that is gone (RFC 7047 §3.2). */
const missingReference = (e: OvsdbError): boolean => e.code === 'OVSDB_TXN_REFERENTIAL_INTEGRITY';

function storeError(e: OvsdbError): StoreError {
  switch (e.code) {
    case 'OVSDB_DISCONNECTED':
    case 'OVSDB_CLOSED':
    case 'OVSDB_CONNECT_FAILED':
    case 'OVSDB_PROBE_TIMEOUT':
      return { kind: 'unavailable', message: `config database unavailable: ${e.message}` };
    case 'OVSDB_TXN_REFERENTIAL_INTEGRITY':
    case 'OVSDB_TXN_CONSTRAINT_VIOLATION':
      return { kind: 'conflict', message: e.details ?? e.message };
    default:
      return { kind: 'failed', message: e.message };
  }
}

function toGateway(uuid: string, r: RemoteGatewayRow): RemoteGateway {
  return { id: uuid, name: r.name, ipaddr: r.ipaddr };
}

function toConnection(uuid: string, r: RemoteGatewayConnectionRow): RemoteGatewayConnection {
  return {
    id: uuid, l2_gateway: r.l2_gateway, l2_gateway_id: r.l2_gateway_id, network: r.network, network_id: r.network_id,
    remote_gateway_id: r.remote_gateway, segmentation_id: r.segmentation_id, network_type: r.network_type, flood: r.flood,
  };
}

function toMac(uuid: string, r: RemoteMacRow): RemoteMac {
  return { uuid, mac: r.mac, ipaddr: r.ipaddr, rgw_connection: r.connection };
}

function insertedUuid(results: unknown[], index: number): string | undefined {
  const r = results[index] as { uuid?: unknown } | undefined;
  return Array.isArray(r?.uuid) && typeof r.uuid[1] === 'string' ? r.uuid[1] : undefined;
}

export class ConfigStore {
  private readonly listeners = new Set<ManualStateListener>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly client: OvsdbClient,
    private readonly monitor: Monitor<Tables>,
    private readonly opts: ConfigStoreOptions,
  ) {
    monitor.onChange(() => {
      for (const w of [...this.waiters]) w();
      if (this.listeners.size === 0) return;
      const state = this.manualState();
      for (const fn of this.listeners) fn(state);
    });
  }

  /** Connect (retrying until the server answers, or failing on a bad remote) and monitor the three tables. */
  static async open(opts: ConfigStoreOptions): Promise<OvsdbResult<ConfigStore>> {
    const client = new OvsdbClient({ remote: opts.remote, probeIntervalMs: opts.probeIntervalMs ?? 5000, backoffMinMs: 250, backoffMaxMs: 2000 });
    const c = await client.connect();
    if (!c.ok) return c;
    const m = await client.monitor(CONFIG_DB, configSchema, { Remote_Gateway: {}, Remote_Gateway_Connection: {}, Remote_Mac: {} });
    if (!m.ok) {
      await client.close();
      return m;
    }
    return { ok: true, value: new ConfigStore(client, m.value, opts) };
  }

  get connected(): boolean {
    return this.client.state === 'connected';
  }

  async close(): Promise<void> {
    await this.client.close();
    for (const w of [...this.waiters]) w();
  }

  /** Called with the whole manual state after every change (and never for a write that failed). */
  onChange(fn: ManualStateListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Connections with their remote gateway address and MACs, ready for the VTEP side. */
  manualState(): ManualConnectionEntry[] {
    const gws = this.monitor.rows('Remote_Gateway');
    const macs = new Map<string, { mac: string; ipaddr?: string }[]>();
    for (const m of this.monitor.rows('Remote_Mac').values()) {
      const list = macs.get(m.connection) ?? [];
      list.push(m.ipaddr === null ? { mac: m.mac } : { mac: m.mac, ipaddr: m.ipaddr });
      macs.set(m.connection, list);
    }
    const out: ManualConnectionEntry[] = [];
    for (const [id, c] of this.monitor.rows('Remote_Gateway_Connection')) {
      const gw = gws.get(c.remote_gateway);
      if (!gw) continue; // the strong reference keeps it; only a partial cache could lack it
      out.push({
        id, l2GatewaySwitch: c.l2_gateway, logicalSwitchUuid: c.network_id, dstIp: gw.ipaddr,
        tunnelKey: c.segmentation_id, flood: c.flood, macs: macs.get(id) ?? [],
      });
    }
    return out;
  }

  // ------------------------------------------------------------ gateways

  listGateways(): RemoteGateway[] {
    return [...this.monitor.rows('Remote_Gateway')].map(([u, r]) => toGateway(u, r));
  }

  /** By uuid, or by name. */
  getGateway(idOrName: string): RemoteGateway | undefined {
    const rows = this.monitor.rows('Remote_Gateway');
    if (isUuid(idOrName)) {
      const r = rows.get(idOrName);
      if (r) return toGateway(idOrName, r);
    }
    for (const [u, r] of rows) if (r.name === idOrName) return toGateway(u, r);
    return undefined;
  }

  async createGateway(gw: { name: string; ipaddr: string }): Promise<StoreResult<RemoteGateway>> {
    if (this.getGateway(gw.name)) return fail('conflict', `remote gateway ${gw.name} exists`, 'name');
    const t = new TxnBuilder(configSchema);
    t.insert('Remote_Gateway', { name: gw.name, ipaddr: gw.ipaddr });
    const r = await this.run(t);
    if (!r.ok) return r.error.kind === 'conflict' ? fail('conflict', `remote gateway ${gw.name} exists`, 'name') : r;
    const id = insertedUuid(r.value, 0) ?? '';
    await this.settle(() => this.monitor.get('Remote_Gateway', id) !== undefined);
    return { ok: true, value: { id, ...gw } };
  }

  async updateGateway(idOrName: string, patch: { name?: string; ipaddr?: string }): Promise<StoreResult<RemoteGateway>> {
    const cur = this.getGateway(idOrName);
    if (!cur) return fail('not_found', `no remote gateway ${idOrName}`);
    if (patch.name !== undefined && patch.name !== cur.name && this.getGateway(patch.name)) {
      return fail('conflict', `remote gateway ${patch.name} exists`, 'name');
    }
    const next = { ...cur, ...patch };
    const t = new TxnBuilder(configSchema);
    t.update('Remote_Gateway', [['_uuid', '==', cur.id]], { name: next.name, ipaddr: next.ipaddr });
    const r = await this.run(t);
    if (!r.ok) return r.error.kind === 'conflict' ? fail('conflict', `remote gateway ${next.name} exists`, 'name') : r;
    if ((r.value[0] as { count?: number }).count === 0) return fail('not_found', `no remote gateway ${idOrName}`);
    await this.settle(() => {
      const row = this.monitor.get('Remote_Gateway', cur.id);
      return row === undefined || (row.name === next.name && row.ipaddr === next.ipaddr);
    });
    return { ok: true, value: next };
  }

  async deleteGateway(idOrName: string): Promise<StoreResult<RemoteGateway>> {
    const cur = this.getGateway(idOrName);
    if (!cur) return fail('not_found', `no remote gateway ${idOrName}`);
    const t = new TxnBuilder(configSchema);
    t.delete('Remote_Gateway', [['_uuid', '==', cur.id]]);
    const r = await this.run(t);
    if (!r.ok) {
      // §3.2: a strong reference from a connection makes the commit fail.
      return r.error.kind === 'conflict' ? fail('conflict', `remote gateway ${cur.name} is used by a remote gateway connection`) : r;
    }
    if ((r.value[0] as { count?: number }).count === 0) return fail('not_found', `no remote gateway ${idOrName}`);
    await this.settle(() => this.monitor.get('Remote_Gateway', cur.id) === undefined);
    return { ok: true, value: cur };
  }

  // ------------------------------------------------------------ connections

  listConnections(): RemoteGatewayConnection[] {
    return [...this.monitor.rows('Remote_Gateway_Connection')].map(([u, r]) => toConnection(u, r));
  }

  getConnection(id: string): RemoteGatewayConnection | undefined {
    const r = isUuid(id) ? this.monitor.get('Remote_Gateway_Connection', id) : undefined;
    return r ? toConnection(id, r) : undefined;
  }

  async createConnection(c: NewConnection): Promise<StoreResult<RemoteGatewayConnection>> {
    const gw = this.getGateway(c.remote_gateway);
    if (!gw) return fail('not_found', `no remote gateway ${c.remote_gateway}`, 'remote_gateway');
    const row: RemoteGatewayConnectionRow = {
      l2_gateway: c.l2_gateway, l2_gateway_id: c.l2_gateway_id, network: c.network, network_id: c.network_id,
      remote_gateway: gw.id, segmentation_id: c.segmentation_id, network_type: c.network_type, flood: c.flood,
    };
    const t = new TxnBuilder(configSchema);
    t.insert('Remote_Gateway_Connection', row);
    const r = await this.run(t);
    if (!r.ok) {
      if (r.error.kind !== 'conflict') return r;
      return missingReference(r.cause)
        ? fail('not_found', `no remote gateway ${c.remote_gateway}`, 'remote_gateway')
        : fail('conflict', `a connection of ${c.l2_gateway} and ${c.network} to ${gw.name} exists`);
    }
    const id = insertedUuid(r.value, 0) ?? '';
    await this.settle(() => this.monitor.get('Remote_Gateway_Connection', id) !== undefined);
    return { ok: true, value: toConnection(id, row) };
  }

  /** Deletes the connection and its remote MACs in one transaction. */
  async deleteConnection(id: string): Promise<StoreResult<RemoteGatewayConnection>> {
    const cur = this.getConnection(id);
    if (!cur) return fail('not_found', `no remote gateway connection ${id}`);
    const t = new TxnBuilder(configSchema);
    t.delete('Remote_Mac', [['connection', '==', cur.id]]);
    t.delete('Remote_Gateway_Connection', [['_uuid', '==', cur.id]]);
    const r = await this.run(t);
    if (!r.ok) return r;
    if ((r.value[1] as { count?: number }).count === 0) return fail('not_found', `no remote gateway connection ${id}`);
    await this.settle(() => this.monitor.get('Remote_Gateway_Connection', cur.id) === undefined);
    return { ok: true, value: cur };
  }

  // ------------------------------------------------------------ MACs

  listMacs(connection?: string): RemoteMac[] {
    const out: RemoteMac[] = [];
    for (const [u, r] of this.monitor.rows('Remote_Mac')) if (connection === undefined || r.connection === connection) out.push(toMac(u, r));
    return out;
  }

  getMac(uuid: string): RemoteMac | undefined {
    const r = isUuid(uuid) ? this.monitor.get('Remote_Mac', uuid) : undefined;
    return r ? toMac(uuid, r) : undefined;
  }

  /** All or nothing: one transaction. `fieldOf(i)` names the request field of entry i for errors. */
  async createMacs(macs: readonly NewMac[], fieldOf: (i: number, key: string) => string): Promise<StoreResult<RemoteMac[]>> {
    // MAC/connection pairs already stored or earlier in this request: one pass over the table, not one per entry.
    const seen = new Set<string>();
    for (const r of this.monitor.rows('Remote_Mac').values()) seen.add(`${r.mac}/${r.connection}`);
    for (let i = 0; i < macs.length; i++) {
      const m = macs[i];
      if (!this.getConnection(m.rgw_connection)) return fail('not_found', `no remote gateway connection ${m.rgw_connection}`, fieldOf(i, 'rgw_connection'));
      const key = `${m.mac}/${m.rgw_connection}`;
      if (seen.has(key)) return fail('conflict', `MAC ${m.mac} exists on connection ${m.rgw_connection}`, fieldOf(i, 'mac'));
      seen.add(key);
    }
    const t = new TxnBuilder(configSchema);
    const rows: RemoteMacRow[] = macs.map((m) => ({ mac: m.mac, ipaddr: m.ipaddr ?? null, connection: m.rgw_connection }));
    for (const row of rows) t.insert('Remote_Mac', row);
    const r = await this.run(t);
    if (!r.ok) {
      if (r.error.kind !== 'conflict') return r;
      return missingReference(r.cause)
        ? fail('not_found', 'a remote gateway connection was deleted meanwhile')
        : fail('conflict', 'a MAC exists on its connection');
    }
    const out = rows.map((row, i) => toMac(insertedUuid(r.value, i) ?? '', row));
    await this.settle(() => out.every((m) => this.monitor.get('Remote_Mac', m.uuid) !== undefined));
    return { ok: true, value: out };
  }

  async deleteMac(uuid: string): Promise<StoreResult<RemoteMac>> {
    const cur = this.getMac(uuid);
    if (!cur) return fail('not_found', `no remote MAC ${uuid}`);
    const t = new TxnBuilder(configSchema);
    t.delete('Remote_Mac', [['_uuid', '==', cur.uuid]]);
    const r = await this.run(t);
    if (!r.ok) return r;
    if ((r.value[0] as { count?: number }).count === 0) return fail('not_found', `no remote MAC ${uuid}`);
    await this.settle(() => this.monitor.get('Remote_Mac', cur.uuid) === undefined);
    return { ok: true, value: cur };
  }

  // ------------------------------------------------------------ helpers

  /** A failure keeps its OVSDB error as `cause`: what a refused commit means depends on the operation. */
  private async run(t: TxnBuilder<ConfigTables>): Promise<{ ok: true; value: unknown[] } | { ok: false; error: StoreError; cause: OvsdbError }> {
    const ops = t.build();
    if (!ops.ok) return { ok: false, error: { kind: 'failed', message: ops.error.message }, cause: ops.error };
    const r = await this.client.transact(CONFIG_DB, ops.value as Operation[]);
    return r.ok ? r : { ok: false, error: storeError(r.error), cause: r.error };
  }

  /**
   * Wait until the monitor shows our own change, so that a read right after
   * a write answers with it (the transact reply and the update notification
   * may arrive in either order).
   */
  private settle(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (done() || this.client.state === 'closed') finish();
      };
      const timer = setTimeout(finish, this.opts.settleMs ?? 5000);
      this.waiters.add(check);
    });
  }
}
