/**
 * OVSDB client (RFC 7047 §4 JSON-RPC methods, with the ovsdb-server(7)
 * extensions monitor_cond, monitor_cond_since, update2/update3).
 *
 * Implements: connections over unix:PATH, tcp:HOST:PORT and ssl:HOST:PORT;
 * list_dbs (§4.1.1), get_schema (§4.1.2), transact (§4.1.3) with per-operation
 * and commit errors as data, monitors with a row cache (monitor_cond_since,
 * falling back to monitor_cond then monitor (§4.1.5) when the server answers
 * "unknown method"), monitor_cancel (§4.1.7), lock/steal/unlock (§4.1.8–10)
 * with locked/stolen notifications (§4.1.11–12), echo both ways (§4.1.11):
 * the server's echo is answered, and after `probeIntervalMs` of silence an
 * echo is sent and the connection dropped if the next interval passes in
 * silence too. Reconnects with backoff (1 s doubling to 8 s), re-establishes
 * monitors (resuming from the last transaction id where the server allows)
 * and re-requests locks.
 *
 * Monitor updates are applied lazily: ovsdb-server sends a commit's update
 * just before the transact reply, often in a read of its own, so decoding
 * it first would delay the next transaction by the whole echo. An update is
 * framed at once and decoded later: while a transact of ours is in flight,
 * after its reply and what the reply sets going (the writer's next
 * transaction); otherwise after the replies that follow it (setImmediate).
 * It is decoded at once when anything reads the monitor's cache, another
 * notification or request arrives, or the connection drops. Order among
 * notifications is kept.
 *
 * Lean inserts (MonitorTable.leanInserts): a table's inserts are announced by
 * uuid only, and the client takes the row it was told it inserted
 * (expectInsert), or reads any other with a select whose reply is applied
 * where it stands among the updates. The row told must be the row
 * committed: ovsdb-server flushes a session's monitors before each reply it
 * sends on it, so an insert made on the monitor's own connection is
 * announced before its reply, before any later change to the row could be
 * merged into the announcement.
 *
 * Left out: cancel (§4.1.4, ovsdb-server ignores it), monitor_cond_change,
 * set_db_change_aware, conditions with plain "monitor" (the server cannot
 * filter; all rows are cached), request timeouts (the inactivity probe
 * detects a dead peer; requests in flight fail with OVSDB_DISCONNECTED and
 * a transaction's outcome is then unknown: re-read before retrying).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFile } from 'node:fs/promises';
import { JsonFramer } from './codec/framer.js';
import { decodeRpc, encodeOps, encodeRequest, encodeResponse, encodeTransact } from './codec/jsonrpc.js';
import type { EncodedOps, RpcMessage } from './codec/jsonrpc.js';
import { TableCache } from './codec/cache.js';
import type { Row, RowChange } from './codec/cache.js';
import { parseSchema } from './codec/schema.js';
import type { DbSchema, SchemaDescriptor } from './codec/schema.js';
import { encodeConditions } from './codec/ops.js';
import type { Condition } from './codec/ops.js';
import { ZERO_UUID } from './codec/values.js';
import { checkTransactResult, rpcError } from './errors.js';
import type { OvsdbError, OvsdbResult } from './errors.js';

/** ovsdb-server's own serialization of update, update2 and update3 notifications. */
const UPDATE_PREFIX = Buffer.from('{"id":null,"method":"update');

function isUpdateNotification(text: Buffer): boolean {
  return text.length > UPDATE_PREFIX.length && text.compare(UPDATE_PREFIX, 0, UPDATE_PREFIX.length, 0, UPDATE_PREFIX.length) === 0;
}

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

export interface OvsdbTlsOptions {
  /** PEM files: our private key and certificate, and the CA that signed the server's. */
  keyFile?: string;
  certFile?: string;
  caFile?: string;
  /** Check the server certificate's name against this instead of the host. */
  servername?: string;
}

export interface OvsdbClientOptions {
  /** unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT (IPv6 hosts in brackets). */
  remote: string;
  tls?: OvsdbTlsOptions;
  /** Idle time before an echo probe, and time allowed for its answer; 0 disables. Default 5000. */
  probeIntervalMs?: number;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean;
  /** First reconnect delay, doubled up to backoffMaxMs. Defaults 1000 and 8000. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Treat these methods as unsupported (servers known to lack them; tests). */
  disabledMethods?: readonly ('monitor_cond_since' | 'monitor_cond')[];
}

export type ClientState = 'idle' | 'connecting' | 'connected' | 'closed';

export interface OvsdbClientEvents {
  /** Connected, monitors re-established and locks re-requested. */
  connected: () => void;
  /** The connection dropped (reconnecting if enabled). */
  disconnected: (error: OvsdbError) => void;
  /** A lock requested earlier is now held (§4.1.11 "locked"). */
  locked: (lockId: string) => void;
  /** Another client stole a lock this client held (§4.1.12 "stolen"). */
  stolen: (lockId: string) => void;
  /** A malformed message or monitor update (the connection is dropped). */
  protocolError: (error: OvsdbError) => void;
}

/** What a monitor watches per table: columns (default all) and conditions. */
export interface MonitorTable<R> {
  columns?: readonly (keyof R & string)[];
  where?: readonly Condition<R>[];
  /**
   * Inserts are announced by uuid only: a second request for the table
   * selects inserts with no columns (RFC 7047 §4.1.5 <monitor-select>). The
   * row is the one given to `expectInsert` (rows this client inserted), else
   * read with a select before it shows. The server then composes, and the
   * client parses, no insert it was just sent. Not with `where`.
   */
  leanInserts?: boolean;
}
/** Tables to monitor; the monitor (and its changes) are typed by these tables only. */
export type MonitorSpec<T, K extends keyof T & string> = { [P in K]: MonitorTable<T[P]> };

/** One row change, typed by table. */
export type TypedRowChange<T> = {
  [K in keyof T & string]: { table: K; uuid: string; kind: 'insert' | 'modify' | 'delete'; old?: T[K]; new?: T[K] };
}[keyof T & string];

/**
 * Where a batch of changes comes from: the first snapshot, a live update
 * (one server transaction), or the resync after a reconnect.
 */
export type UpdateSource = 'initial' | 'update' | 'resync';

export type ChangeListener<T> = (changes: TypedRowChange<T>[], source: UpdateSource) => void;

export interface Monitor<T> {
  readonly id: string;
  readonly db: string;
  /** The method in use (after fallback). */
  readonly method: MonitorMethod;
  /** Last transaction id seen (monitor_cond_since only). */
  readonly lastTxnId: string | undefined;
  /** The last (re)start resumed from lastTxnId: only changes since were sent. */
  readonly resumed: boolean;
  /** Rows of a monitored table by uuid (only the monitored columns are set). */
  rows<K extends keyof T & string>(table: K): ReadonlyMap<string, T[K]>;
  get<K extends keyof T & string>(table: K, uuid: string): T[K] | undefined;
  /**
   * A row of a `leanInserts` table that this client's committed transaction
   * inserted as `uuid` (its insert result), every monitored column set: the
   * row the cache takes when the insert is announced. Give it as soon as
   * the reply is in; one given later costs a select.
   */
  expectInsert<K extends keyof T & string>(table: K, uuid: string, row: T[K]): void;
  onChange(fn: ChangeListener<T>): () => void;
  /** monitor_cancel; the cache is emptied. */
  cancel(): Promise<OvsdbResult<void>>;
}

interface Pending {
  method: string;
  resolve: (r: OvsdbResult<unknown>) => void;
}

interface MonitorState {
  id: string;
  db: string;
  schema: DbSchema;
  spec: Record<string, { columns: string[]; where?: unknown[]; lean?: true }>;
  cache: TableCache;
  method: MonitorMethod;
  lastTxnId: string | undefined;
  resumed: boolean;
  listeners: Set<ChangeListener<unknown>>;
  /** Notifications are applied only once the reply (the base) is in. */
  ready: boolean;
}

type Remote = { kind: 'unix'; path: string } | { kind: 'tcp' | 'ssl'; host: string; port: number };

function parseRemote(remote: string): OvsdbResult<Remote> {
  const bad = (why: string): OvsdbResult<Remote> => ({ ok: false, error: { code: 'OVSDB_BAD_REMOTE', message: `${remote}: ${why}` } });
  if (remote.startsWith('unix:')) {
    const path = remote.slice(5);
    return path ? { ok: true, value: { kind: 'unix', path } } : bad('empty path');
  }
  const m = /^(tcp|ssl):(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(remote);
  if (!m) return bad('expected unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT');
  const port = Number(m[4]);
  if (port < 1 || port > 65535) return bad('port out of range');
  return { ok: true, value: { kind: m[1] as 'tcp' | 'ssl', host: m[2] ?? m[3], port } };
}

type Listeners = { [E in keyof OvsdbClientEvents]: Set<OvsdbClientEvents[E]> };

export class OvsdbClient {
  private stateValue: ClientState = 'idle';
  private socket: net.Socket | undefined;
  private readonly framer = new JsonFramer();
  /** framed update notifications not decoded yet (see above) */
  private deferred: Buffer[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly monitors = new Map<string, MonitorState>();
  /** Locks requested and not unlocked → whether held now. */
  private readonly locks = new Map<string, boolean>();
  private readonly unsupported = new Set<string>();
  private readonly listeners: Listeners = { connected: new Set(), disconnected: new Set(), locked: new Set(), stolen: new Set(), protocolError: new Set() };
  private connectWaiters: ((r: OvsdbResult<void>) => void)[] = [];
  private backoff: number;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRx = 0;
  private probing = false;
  private dropReason: OvsdbError | undefined;
  private monitorSeq = 0;
  private tlsFiles: { key?: Buffer; cert?: Buffer; ca?: Buffer } | undefined;
  private readonly probeMs: number;

  constructor(private readonly opts: OvsdbClientOptions) {
    this.backoff = opts.backoffMinMs ?? 1000;
    this.probeMs = opts.probeIntervalMs ?? 5000;
    for (const m of opts.disabledMethods ?? []) this.unsupported.add(m);
  }

  get state(): ClientState {
    return this.stateValue;
  }

  /** Whether a lock is held now. */
  hasLock(lockId: string): boolean {
    return this.locks.get(lockId) === true;
  }

  on<E extends keyof OvsdbClientEvents>(event: E, fn: OvsdbClientEvents[E]): () => void {
    const set = this.listeners[event] as Set<OvsdbClientEvents[E]>;
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * Connect. With reconnect (the default) this keeps trying with backoff and
   * resolves once connected, or with OVSDB_CLOSED if close() comes first;
   * without, it resolves with the first connection error.
   */
  async connect(): Promise<OvsdbResult<void>> {
    if (this.stateValue === 'closed') return { ok: false, error: { code: 'OVSDB_CLOSED', message: 'client closed' } };
    if (this.stateValue === 'connected') return { ok: true, value: undefined };
    const remote = parseRemote(this.opts.remote);
    if (!remote.ok) return remote;
    if (remote.value.kind === 'ssl' && !this.tlsFiles) {
      const t = this.opts.tls ?? {};
      try {
        this.tlsFiles = {
          key: t.keyFile ? await readFile(t.keyFile) : undefined,
          cert: t.certFile ? await readFile(t.certFile) : undefined,
          ca: t.caFile ? await readFile(t.caFile) : undefined,
        };
      } catch (e) {
        return { ok: false, error: { code: 'OVSDB_TLS_CONFIG', message: `cannot read TLS files: ${(e as Error).message}` } };
      }
    }
    const done = new Promise<OvsdbResult<void>>((resolve) => this.connectWaiters.push(resolve));
    if (this.stateValue === 'idle') this.dial(remote.value);
    return done;
  }

  /** Close for good: no reconnect; requests in flight fail with OVSDB_CLOSED. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    clearTimeout(this.retryTimer);
    this.stopProbe();
    const sock = this.socket;
    if (sock) {
      this.dropReason = { code: 'OVSDB_CLOSED', message: 'client closed' };
      await new Promise<void>((resolve) => {
        sock.once('close', () => resolve());
        sock.destroy();
      });
    }
    this.failPending({ code: 'OVSDB_CLOSED', message: 'client closed' });
    this.resolveWaiters({ ok: false, error: { code: 'OVSDB_CLOSED', message: 'client closed' } });
  }

  /** §4.1.1 list_dbs. */
  async listDbs(): Promise<OvsdbResult<string[]>> {
    const r = await this.request('list_dbs', []);
    if (!r.ok) return r;
    if (!Array.isArray(r.value) || !r.value.every((x) => typeof x === 'string')) return this.badReply('list_dbs');
    return { ok: true, value: r.value as string[] };
  }

  /** §4.1.2 get_schema, parsed. */
  async getSchema(db: string): Promise<OvsdbResult<DbSchema & { json: unknown }>> {
    const r = await this.request('get_schema', [db]);
    if (!r.ok) return r;
    const s = parseSchema(r.value);
    if (!s.ok) return { ok: false, error: { code: 'OVSDB_BAD_MESSAGE', message: `get_schema: ${s.error.message}`, method: 'get_schema' } };
    return { ok: true, value: { ...s.value, json: r.value } };
  }

  /**
   * §4.1.3 transact with plain RFC 7047 operation objects, or operations
   * encoded ahead (encodeOps). Succeeds with the result array only when no
   * operation and no commit failed.
   */
  async transact(db: string, ops: readonly object[] | EncodedOps): Promise<OvsdbResult<unknown[]>> {
    const encoded = 'bytes' in ops ? ops : encodeOps(ops);
    const r = await this.send('transact', (id) => encodeTransact(id, db, encoded));
    if (!r.ok) return r;
    return checkTransactResult(encoded.count, r.value);
  }

  /** §4.1.11 echo: a round trip; resolves with the echoed params. */
  async echo(...params: unknown[]): Promise<OvsdbResult<unknown[]>> {
    const r = await this.request('echo', params);
    if (!r.ok) return r;
    return Array.isArray(r.value) ? { ok: true, value: r.value } : this.badReply('echo');
  }

  /** §4.1.8 lock: `locked` false means queued; a `locked` event follows when granted. */
  async lock(lockId: string): Promise<OvsdbResult<{ locked: boolean }>> {
    this.locks.set(lockId, false);
    return this.lockRequest('lock', lockId);
  }

  /** §4.1.9 steal: take the lock from its holder (who gets `stolen`). */
  async steal(lockId: string): Promise<OvsdbResult<{ locked: boolean }>> {
    this.locks.set(lockId, false);
    return this.lockRequest('steal', lockId);
  }

  /** §4.1.10 unlock: give up the lock or stop waiting for it. */
  async unlock(lockId: string): Promise<OvsdbResult<void>> {
    this.locks.delete(lockId);
    const r = await this.request('unlock', [lockId]);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  /**
   * Monitor tables of `db` into a cache, typed by the schema descriptor.
   * `onChange` (optional) sees the initial snapshot too.
   */
  async monitor<T, K extends keyof T & string>(
    db: string, schema: SchemaDescriptor<T>, spec: MonitorSpec<T, K>, onChange?: ChangeListener<Pick<T, K>>,
  ): Promise<OvsdbResult<Monitor<Pick<T, K>>>> {
    const wire: MonitorState['spec'] = {};
    const tables = schema.tables as Record<string, { columns: Record<string, unknown> }>;
    for (const [table, req] of Object.entries(spec as Record<string, MonitorTable<unknown> | undefined>)) {
      if (!req) continue;
      if (!tables[table]) return { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message: `no table ${table} in schema` } };
      const columns = req.columns ? [...req.columns] as string[] : Object.keys(tables[table].columns);
      const entry: MonitorState['spec'][string] = { columns };
      if (req.leanInserts) {
        if (req.where) return { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message: `${table}: leanInserts cannot take conditions` } };
        entry.lean = true;
      }
      if (req.where) {
        const w = encodeConditions(schema, table as K, req.where as readonly Condition<T[K]>[]);
        if (!w.ok) return w;
        entry.where = w.value;
      }
      wire[table] = entry;
    }
    const monitored: Record<string, string[]> = {};
    for (const [t, e] of Object.entries(wire)) monitored[t] = e.columns;
    const lean = Object.keys(wire).filter((t) => wire[t].lean);
    const m: MonitorState = {
      id: `m${++this.monitorSeq}`, db, schema, spec: wire, cache: new TableCache(schema, monitored, lean),
      method: 'monitor_cond_since', lastTxnId: undefined, resumed: false, listeners: new Set(), ready: false,
    };
    if (onChange) m.listeners.add(onChange as ChangeListener<unknown>);
    const r = await this.startMonitor(m, 'initial');
    if (!r.ok) return r;
    this.monitors.set(m.id, m);
    return { ok: true, value: this.monitorHandle<Pick<T, K>>(m) };
  }

  // ------------------------------------------------------------ monitors

  private monitorHandle<T>(m: MonitorState): Monitor<T> {
    return {
      id: m.id,
      db: m.db,
      get method() { return m.method; },
      get lastTxnId() { return m.lastTxnId; },
      get resumed() { return m.resumed; },
      rows: <K extends keyof T & string>(table: K) => {
        this.flushUpdates();
        return m.cache.rows(table) as ReadonlyMap<string, T[K]>;
      },
      get: <K extends keyof T & string>(table: K, uuid: string) => {
        this.flushUpdates();
        return m.cache.get(table, uuid) as T[K] | undefined;
      },
      expectInsert: <K extends keyof T & string>(table: K, uuid: string, row: T[K]) => {
        m.cache.expectInsert(table, uuid, row as Row);
      },
      onChange: (fn: ChangeListener<T>) => {
        m.listeners.add(fn as ChangeListener<unknown>);
        return () => m.listeners.delete(fn as ChangeListener<unknown>);
      },
      cancel: async (): Promise<OvsdbResult<void>> => {
        this.monitors.delete(m.id);
        m.cache.clear();
        const r = await this.request('monitor_cancel', [m.id]);
        return r.ok ? { ok: true, value: undefined } : r;
      },
    };
  }

  /** Send the monitor request, falling back method by method; apply the reply. */
  private async startMonitor(m: MonitorState, source: UpdateSource): Promise<OvsdbResult<void>> {
    m.ready = false;
    const order: MonitorMethod[] = ['monitor_cond_since', 'monitor_cond', 'monitor'];
    for (const method of order) {
      if (this.unsupported.has(method)) continue;
      const params = this.monitorParams(m, method);
      const r = await this.request(method, params);
      if (!r.ok) {
        if (r.error.code === 'OVSDB_METHOD_NOT_SUPPORTED') {
          this.unsupported.add(method);
          continue;
        }
        return r;
      }
      m.method = method;
      m.resumed = false;
      let updates: unknown = r.value;
      let snapshot = true;
      if (method === 'monitor_cond_since') {
        // Reply: [found, last-txn-id, table-updates2]; found means only changes since our id follow.
        const v = r.value;
        if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'boolean' || typeof v[1] !== 'string') return this.badReply(method);
        snapshot = !v[0];
        m.resumed = v[0];
        m.lastTxnId = v[1];
        updates = v[2];
      }
      const applied = m.cache.apply(updates, method === 'monitor' ? 1 : 2, snapshot);
      if (!applied.ok) return { ok: false, error: { code: 'OVSDB_BAD_MESSAGE', message: `${method}: ${applied.error.message}`, method } };
      m.ready = true;
      this.emitChanges(m, applied.value, source);
      // Resumed: rows parked before the drop are still to be read.
      if (m.cache.hasParked()) this.scheduleFlush();
      return { ok: true, value: undefined };
    }
    return { ok: false, error: { code: 'OVSDB_METHOD_NOT_SUPPORTED', message: 'server supports no monitor method', method: 'monitor' } };
  }

  private monitorParams(m: MonitorState, method: MonitorMethod): unknown[] {
    const reqs: Record<string, object> = {};
    for (const [t, e] of Object.entries(m.spec)) {
      if (e.lean) {
        // Everything but inserts in full; inserts with no columns (see leanInserts).
        reqs[t] = [
          { columns: e.columns, select: { initial: true, insert: false, delete: true, modify: true } },
          { columns: [], select: { initial: false, insert: true, delete: false, modify: false } },
        ];
        continue;
      }
      // Plain monitor has no conditions (§4.1.5); the cache then holds every row.
      reqs[t] = method === 'monitor' || !e.where ? { columns: e.columns } : { columns: e.columns, where: e.where };
    }
    if (method === 'monitor_cond_since') return [m.db, m.id, reqs, m.lastTxnId ?? ZERO_UUID];
    return [m.db, m.id, reqs];
  }

  private onUpdate(method: string, params: unknown[]): void {
    const m = this.monitors.get(String(params[0]));
    if (!m || !m.ready) return;
    let updates: unknown;
    let version: 1 | 2 = 2;
    if (method === 'update3') {
      // ovsdb-server(7) §4.1.16: [monitor-id, last-txn-id, table-updates2].
      if (typeof params[1] === 'string') m.lastTxnId = params[1];
      updates = params[2];
    } else {
      updates = params[1];
      if (method === 'update') version = 1;
    }
    const applied = m.cache.apply(updates, version, false);
    if (!applied.ok) {
      // The cache can no longer be trusted: drop and resync from scratch.
      m.lastTxnId = undefined;
      this.protocolFailure({ code: 'OVSDB_BAD_MESSAGE', message: `${method}: ${applied.error.message}`, method });
      return;
    }
    this.emitChanges(m, applied.value, 'update');
    // With a transaction in flight its reply schedules the step that settles them.
    if (m.cache.hasParked() && !this.transactInFlight()) this.scheduleFlush();
  }

  /** Whether a ready monitor holds parked rows (see leanInserts). */
  private hasParked(): boolean {
    for (const m of this.monitors.values()) if (m.ready && m.cache.hasParked()) return true;
    return false;
  }

  /** Settle a monitor's parked rows: those now expected are inserted, the rest read with one select each. */
  private settle(m: MonitorState): void {
    const { changes, unknown } = m.cache.settleParked();
    this.emitChanges(m, changes, 'update');
    if (unknown.size === 0) return;
    const reads: { table: string; uuid: string }[] = [];
    const ops: object[] = [];
    for (const [table, uuids] of unknown) {
      for (const uuid of uuids) {
        reads.push({ table, uuid });
        ops.push({ op: 'select', table, where: [['_uuid', '==', ['uuid', uuid]]], columns: m.spec[table].columns });
      }
    }
    const encoded = encodeOps(ops);
    // Resolved where the reply stands in the stream: the updates before it
    // (which it reflects) are applied first, those after it afterwards.
    this.sendWith('transact', (id) => encodeTransact(id, m.db, encoded), (r) => {
      if (this.monitors.get(m.id) !== m || !m.ready) return;
      this.flushUpdates();
      const results = r.ok ? checkTransactResult(encoded.count, r.value) : r;
      if (!results.ok) {
        // Disconnected: the resync reads everything. Anything else: force one.
        if (results.error.code !== 'OVSDB_DISCONNECTED' && results.error.code !== 'OVSDB_CLOSED') this.protocolFailure(results.error);
        return;
      }
      const resolved: RowChange[] = [];
      for (let i = 0; i < reads.length; i++) {
        const rows = (results.value[i] as { rows?: unknown[] } | null)?.rows;
        const c = m.cache.resolveRow(reads[i].table, reads[i].uuid, Array.isArray(rows) ? rows[0] : undefined);
        if (!c.ok) {
          this.protocolFailure({ code: 'OVSDB_BAD_MESSAGE', message: `select ${reads[i].table}: ${c.error.message}`, method: 'transact' });
          return;
        }
        if (c.value) resolved.push(c.value);
      }
      this.emitChanges(m, resolved, 'update');
    });
  }

  private emitChanges(m: MonitorState, changes: RowChange[], source: UpdateSource): void {
    if (changes.length === 0 && source === 'update') return;
    for (const fn of m.listeners) fn(changes as TypedRowChange<unknown>[], source);
  }

  // ------------------------------------------------------------ connection

  private dial(remote: Remote): void {
    this.stateValue = 'connecting';
    this.framer.reset();
    this.dropReason = undefined;
    let sock: net.Socket;
    if (remote.kind === 'unix') {
      sock = net.connect({ path: remote.path });
      sock.once('connect', () => this.onOpen());
    } else if (remote.kind === 'tcp') {
      sock = net.connect({ host: remote.host, port: remote.port });
      sock.once('connect', () => this.onOpen());
    } else {
      const f = this.tlsFiles ?? {};
      sock = tls.connect({ host: remote.host, port: remote.port, key: f.key, cert: f.cert, ca: f.ca, servername: this.opts.tls?.servername });
      sock.once('secureConnect', () => this.onOpen());
    }
    sock.setNoDelay?.(true);
    this.socket = sock;
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (e: Error) => {
      this.dropReason ??= { code: this.stateValue === 'connected' ? 'OVSDB_DISCONNECTED' : 'OVSDB_CONNECT_FAILED', message: e.message };
    });
    sock.on('close', () => this.onClose(sock, remote));
  }

  private async onOpen(): Promise<void> {
    this.stateValue = 'connected';
    this.backoff = this.opts.backoffMinMs ?? 1000;
    this.lastRx = performance.now();
    this.probing = false;
    this.armProbe(this.probeMs);
    const sock = this.socket;
    for (const m of this.monitors.values()) {
      const r = await this.startMonitor(m, 'resync');
      if (this.socket !== sock) return;
      if (!r.ok) {
        this.protocolFailure(r.error);
        return;
      }
    }
    for (const id of this.locks.keys()) {
      this.locks.set(id, false);
      void this.lockRequest('lock', id);
    }
    if (this.socket !== sock) return;
    for (const fn of this.listeners.connected) fn();
    this.resolveWaiters({ ok: true, value: undefined });
  }

  private onClose(sock: net.Socket, remote: Remote): void {
    if (this.socket !== sock) return;
    // Updates received before the drop are part of the state a resync resumes from.
    this.flushUpdates();
    this.socket = undefined;
    this.stopProbe();
    const wasConnected = this.stateValue === 'connected';
    const reason: OvsdbError = this.dropReason ?? { code: wasConnected ? 'OVSDB_DISCONNECTED' : 'OVSDB_CONNECT_FAILED', message: 'connection closed' };
    this.failPending(wasConnected || reason.code === 'OVSDB_CLOSED' ? reason : { ...reason, code: 'OVSDB_DISCONNECTED' });
    for (const m of this.monitors.values()) {
      m.ready = false;
      // Inserts announced from now on come from the resync, in full or to be read.
      m.cache.forgetExpected();
    }
    for (const id of this.locks.keys()) this.locks.set(id, false);
    if (this.stateValue === 'closed') return;
    if (wasConnected) for (const fn of this.listeners.disconnected) fn(reason);
    if (this.opts.reconnect === false) {
      this.stateValue = 'idle';
      this.resolveWaiters({ ok: false, error: reason });
      return;
    }
    this.stateValue = 'connecting';
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.backoffMaxMs ?? 8000);
    this.retryTimer = setTimeout(() => {
      if (this.stateValue !== 'closed') this.dial(remote);
    }, delay);
  }

  private onData(chunk: Buffer): void {
    this.lastRx = performance.now();
    this.probing = false;
    const f = this.framer.push(chunk);
    for (const text of f.messages) {
      if (isUpdateNotification(text)) {
        this.deferred.push(text);
        if (!this.transactInFlight()) this.scheduleFlush();
        continue;
      }
      if (!this.handle(text)) return;
    }
    if (!f.ok) this.protocolFailure({ code: 'OVSDB_BAD_MESSAGE', message: f.error.message });
  }

  /** Decode and dispatch one framed message; false after a protocol failure. */
  private handle(text: Buffer): boolean {
    const msg = decodeRpc(text);
    if (!msg.ok) {
      this.protocolFailure(msg.error);
      return false;
    }
    // Only replies may overtake deferred updates.
    if (msg.value.kind !== 'response') this.flushUpdates();
    this.dispatch(msg.value);
    return true;
  }

  /** Whether a transact request of ours is unanswered: updates wait for its reply (see above). */
  private transactInFlight(): boolean {
    for (const p of this.pending.values()) if (p.method === 'transact') return true;
    return false;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || (this.deferred.length === 0 && !this.hasParked())) return;
    this.flushScheduled = true;
    setImmediate(() => this.drain());
  }

  /**
   * The scheduled step: the deferred updates are applied; then, when no
   * transaction of ours is in flight, parked rows are settled (see
   * leanInserts): its reply's continuation has run, so the rows this client
   * inserted are expected by now. With one in flight its reply schedules
   * the next step, so another client's row waits while our transactions go
   * out back to back, as a bulk write's do: it shows when the writer pauses.
   */
  private drain(): void {
    this.flushUpdates();
    if (this.transactInFlight()) return;
    for (const m of this.monitors.values()) if (m.ready && m.cache.hasParked()) this.settle(m);
  }

  /** Apply the deferred monitor updates, in order. */
  private flushUpdates(): void {
    this.flushScheduled = false;
    while (this.deferred.length > 0) {
      const batch = this.deferred;
      this.deferred = [];
      for (let i = 0; i < batch.length; i++) {
        if (!this.handle(batch[i])) {
          this.deferred = [];
          return;
        }
      }
    }
  }

  private dispatch(msg: RpcMessage): void {
    switch (msg.kind) {
      case 'response': {
        const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
        if (!p) return;
        this.pending.delete(msg.id as number);
        if (p.method === 'transact' && !this.transactInFlight()) this.scheduleFlush();
        p.resolve(msg.error !== null ? { ok: false, error: rpcError(p.method, msg.error) } : { ok: true, value: msg.result });
        return;
      }
      case 'request':
        // The server's echo (§4.1.11) is the only request a client must answer.
        if (msg.method === 'echo') this.write(encodeResponse(msg.id, msg.params));
        else this.write(JSON.stringify({ id: msg.id, result: null, error: 'unknown method' }));
        return;
      case 'notification':
        switch (msg.method) {
          case 'update':
          case 'update2':
          case 'update3':
            this.onUpdate(msg.method, msg.params);
            return;
          case 'locked':
          case 'stolen': {
            const id = String(msg.params[0]);
            const held = msg.method === 'locked';
            // The lock reply may already have reported it: announce changes only.
            if (!this.locks.has(id) || this.locks.get(id) === held) return;
            this.locks.set(id, held);
            for (const fn of this.listeners[msg.method]) fn(id);
            return;
          }
          default:
            return;
        }
    }
  }

  private async lockRequest(method: 'lock' | 'steal', lockId: string): Promise<OvsdbResult<{ locked: boolean }>> {
    const r = await this.request(method, [lockId]);
    if (!r.ok) return r;
    const locked = (r.value as { locked?: unknown } | null)?.locked;
    if (typeof locked !== 'boolean') return this.badReply(method);
    if (locked && this.locks.has(lockId) && !this.locks.get(lockId)) {
      this.locks.set(lockId, true);
      for (const fn of this.listeners.locked) fn(lockId);
    }
    return { ok: true, value: { locked } };
  }

  private request(method: string, params: unknown[]): Promise<OvsdbResult<unknown>> {
    return this.send(method, (id) => encodeRequest(id, method, params));
  }

  private send(method: string, encode: (id: number) => string | Buffer): Promise<OvsdbResult<unknown>> {
    return new Promise((resolve) => this.sendWith(method, encode, resolve));
  }

  /** Send a request; `resolve` runs as its reply is dispatched (or at once, when not connected). */
  private sendWith(method: string, encode: (id: number) => string | Buffer, resolve: (r: OvsdbResult<unknown>) => void): void {
    if (this.stateValue !== 'connected' || !this.socket) {
      const code = this.stateValue === 'closed' ? 'OVSDB_CLOSED' : 'OVSDB_DISCONNECTED';
      resolve({ ok: false, error: { code, message: `not connected (${method})`, method } });
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, { method, resolve });
    this.write(encode(id));
  }

  private write(data: string | Buffer): void {
    this.socket?.write(data);
  }

  private badReply<T>(method: string): OvsdbResult<T> {
    return { ok: false, error: { code: 'OVSDB_BAD_MESSAGE', message: `unexpected ${method} reply`, method } };
  }

  /** Drop the connection after a protocol error; reconnect resyncs everything. */
  private protocolFailure(error: OvsdbError): void {
    for (const fn of this.listeners.protocolError) fn(error);
    this.dropReason = error;
    this.socket?.destroy();
  }

  private failPending(error: OvsdbError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.resolve({ ok: false, error: { ...error, method: p.method } });
  }

  private resolveWaiters(r: OvsdbResult<void>): void {
    const ws = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of ws) w(r);
  }

  // ------------------------------------------------------------ inactivity probe

  private armProbe(ms: number): void {
    if (this.probeMs <= 0) return;
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => this.onProbeTimer(), ms);
  }

  private stopProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private onProbeTimer(): void {
    if (this.stateValue !== 'connected') return;
    const idle = performance.now() - this.lastRx;
    if (idle < this.probeMs) {
      this.armProbe(this.probeMs - idle);
      return;
    }
    if (this.probing) {
      this.protocolFailure({ code: 'OVSDB_PROBE_TIMEOUT', message: `no answer to echo within ${this.probeMs} ms` });
      return;
    }
    this.probing = true;
    // The answer (any data) clears `probing` in onData.
    void this.request('echo', []);
    this.armProbe(this.probeMs);
  }
}
