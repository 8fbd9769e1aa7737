/**
 * One managed hardware VTEP switch (an entry of the config's `vteps:` list):
 * an OVSDB connection (RFC 7047) to its hardware_vtep database, a monitor of
 * the tables that matter, the local events the speaker originates from, and
 * the remote rows it writes (DESIGN.md §2).
 *
 * - Local side: Physical_Switch (tunnel_ips[0] of the named switch),
 *   Logical_Switch (tunnel_key = VNI) and Ucast_Macs_Local become
 *   `localVtep`, `logicalSwitches` and `localMacs` events (./local-side.ts).
 * - Remote side: RIB best-path deltas and manual connections
 *   (./remote-state.ts) become the reconciler's inputs; the writer
 *   (./writer.ts) diffs them against the monitor's rows and transacts.
 * - Deleting (DESIGN §2): nothing is deleted before a complete snapshot is
 *   held and the owner has said routes are complete (End-of-RIB from every
 *   peer, or its timeout), so a restart does not flap the data plane. After
 *   a reconnect the monitor resyncs and the writer re-reads and re-diffs.
 * - Active/standby (DESIGN §6): with `lock`, the switch requests the OVSDB
 *   lock (RFC 7047 §4.1.8), writes only while holding it, and every
 *   transaction asserts it (§5.2.10) so a deposed writer cannot commit.
 *
 * Left out: Mcast_Macs_Local (see local-side.ts); logical switches are not
 * tied to this switch's port bindings: every Logical_Switch with a
 * tunnel_key (and every one a manual connection names) is managed, so two
 * configured switches must not share one database.
 */
import { OvsdbClient } from './ovsdb/client.js';
import type { Monitor, OvsdbClientOptions, OvsdbTlsOptions, TypedRowChange, UpdateSource } from './ovsdb/client.js';
import { vtepSchema } from './ovsdb/vtep-schema.js';
import type { VtepTables } from './ovsdb/vtep-schema.js';
import { diffLocalMacs, readLocalView } from './local-side.js';
import type { LocalMac, LocalMacDiff, LogicalSwitchInfo } from './local-side.js';
import { RemoteState, vniIndex } from './remote-state.js';
import type { ManualInput, NotInstalled } from './remote-state.js';
import { VTEP_DB, VtepWriter } from './writer.js';
import type { TransactionReport, WriterStats } from './writer.js';
import { desired } from './reconcile/desired.js';
import type { ManagedLogicalSwitch, ObservedState, ReconcileInputs, SkippedInput } from './reconcile/types.js';
import type { RibDelta } from '../evpn/rib/rib.js';

const TABLES = [
  'Physical_Switch', 'Logical_Switch', 'Ucast_Macs_Local', 'Physical_Locator',
  'Ucast_Macs_Remote', 'Mcast_Macs_Remote', 'Physical_Locator_Set',
] as const;
type Watched = (typeof TABLES)[number];
type WatchedTables = Pick<VtepTables, Watched>;

/**
 * Ucast_Macs_Remote inserts are announced by uuid only: the writer tells
 * the monitor the rows its commits inserted (a bulk install would otherwise
 * have the server send back, and us parse, every row just written; rows
 * other writers insert are read with a select).
 */
const LEAN_UCAST = { leanInserts: true };

const LOCAL_TABLES: ReadonlySet<string> = new Set(['Physical_Switch', 'Logical_Switch', 'Ucast_Macs_Local', 'Physical_Locator']);
const REMOTE_TABLES: ReadonlySet<string> = new Set(['Logical_Switch', 'Physical_Locator', 'Ucast_Macs_Remote', 'Mcast_Macs_Remote', 'Physical_Locator_Set']);

/** What the switch tells its owner; every callback optional. */
export interface VtepSwitchEvents {
  /** The switch's tunnel IP appeared, changed or went away. */
  localVtep?(ip: string | undefined): void;
  /** The logical switches with a VNI changed (evpn.auto_vni). */
  logicalSwitches?(list: LogicalSwitchInfo[]): void;
  /** Local MACs learned or forgotten by the switch. */
  localMacs?(diff: LocalMacDiff): void;
  /** A connection, monitor or transaction error (also kept as `lastError`). */
  error?(e: VtepSwitchError): void;
  /** With `lock`: granted (this speaker writes), or held by another writer (this one stands by). */
  lock?(held: boolean): void;
  /** A transaction of the remote rows was answered (for metrics). */
  transaction?(t: TransactionReport): void;
}

export interface VtepSwitchError {
  code: string;
  message: string;
}

export interface VtepSwitchOptions {
  /** Physical_Switch name */
  name: string;
  /** unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT */
  ovsdb: string;
  tls?: OvsdbTlsOptions;
  /** OVSDB lock to hold while writing (active/standby speakers) */
  lock?: string;
  events?: VtepSwitchEvents;
  /** client tuning: probe interval, reconnect backoff */
  client?: Pick<OvsdbClientOptions, 'probeIntervalMs' | 'backoffMinMs' | 'backoffMaxMs'>;
  /** rows per transaction (default 100) */
  maxRows?: number;
  /** writer retry backoff and freshness wait, ms */
  retryMinMs?: number;
  retryMaxMs?: number;
  freshnessTimeoutMs?: number;
  /** delay before retrying a failed monitor request (default 2000 ms) */
  monitorRetryMs?: number;
}

export interface VtepSwitchStatus {
  name: string;
  ovsdb: string;
  connected: boolean;
  /** a complete snapshot of the monitored tables is held */
  snapshot: boolean;
  switchFound: boolean;
  tunnelIp?: string;
  lock?: { name: string; held: boolean };
  logicalSwitches: LogicalSwitchInfo[];
  localMacs: number;
  routesComplete: boolean;
  deletesAllowed: boolean;
  remote: {
    /** held: best remote BGP routes (notInstalled lists those not given) and manual entries */
    bgpMacs: number;
    bgpFloods: number;
    manualConnections: number;
    manualMacs: number;
    /** rows wanted (Ucast_Macs_Remote + one Mcast_Macs_Remote per flooded switch) */
    desiredRows: number;
    /** of those, rows the database shows as wanted */
    writtenRows: number;
    /** changes planned and not yet committed (inserts, updates, and deletes once allowed) */
    pending: number;
    /** rows present and not wanted: kept while deletes are not allowed, else about to go */
    extraRows: number;
  };
  writer: WriterStats;
  lastError?: VtepSwitchError;
  /** best routes this switch is not given, and why (not-installed.ts: an IPv6 or no next hop, no logical switch for the VNI, a manual MAC in a route's place); rows given and not yet written are in remote.pending */
  notInstalled: NotInstalled[];
  /** inputs the reconciler left out (manual entries with a non-IPv4 gateway, bad MACs) */
  skipped: SkippedInput[];
}

export class VtepSwitch {
  readonly name: string;
  private readonly client: OvsdbClient;
  private readonly writer: VtepWriter;
  private readonly remote = new RemoteState();
  private readonly events: VtepSwitchEvents;
  private mon: Monitor<WatchedTables> | undefined;
  private connected = false;
  private routesComplete = false;
  private stopped = false;
  private monitorStarting = false;
  private monitorRetry: ReturnType<typeof setTimeout> | undefined;
  private lastError: VtepSwitchError | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private startWaiters: (() => void)[] = [];
  private started: Promise<void> | undefined;
  // Last local view handed to the owner.
  private tunnelIp: string | undefined;
  private switchFound = false;
  private lsKey = '';
  private lsList: LogicalSwitchInfo[] = [];
  private localMacs: ReadonlyMap<string, LocalMac> = new Map();
  private managed: ManagedLogicalSwitch[] = [];

  constructor(private readonly opts: VtepSwitchOptions) {
    this.name = opts.name;
    this.events = opts.events ?? {};
    this.client = new OvsdbClient({ remote: opts.ovsdb, tls: opts.tls, ...opts.client });
    this.writer = new VtepWriter({
      transactor: this.client,
      db: VTEP_DB,
      maxRows: opts.maxRows,
      lock: opts.lock,
      retryMinMs: opts.retryMinMs,
      retryMaxMs: opts.retryMaxMs,
      freshnessTimeoutMs: opts.freshnessTimeoutMs,
      source: {
        inputs: () => this.inputs(),
        inputsFor: (macs) => this.remote.inputsFor(this.managed, macs),
        observe: () => this.observe(),
        allowDeletes: () => this.deletesAllowed(),
        insertedUcast: (rows) => {
          const m = this.mon;
          if (m) for (const r of rows) m.expectInsert('Ucast_Macs_Remote', r.uuid, r.row);
        },
      },
      onError: (e) => this.fail(e),
      onTransaction: (t) => this.events.transaction?.(t),
    });
  }

  /**
   * Connect and monitor. Resolves once the first complete snapshot is held
   * (or on stop()); a switch that is unreachable keeps being retried.
   */
  start(): Promise<void> {
    if (this.started) return this.started;
    const c = this.client;
    this.unsubscribe.push(
      c.on('connected', () => this.onConnected()),
      c.on('disconnected', (e) => {
        this.connected = false;
        this.fail(e);
      }),
      c.on('protocolError', (e) => this.fail(e)),
      // Holding the lock again: the writer may resume (RFC 7047 §4.1.11 "locked").
      c.on('locked', (id) => {
        if (id !== this.opts.lock) return;
        this.events.lock?.(true);
        this.writer.observedChanged();
      }),
      c.on('stolen', (id) => {
        if (id !== this.opts.lock) return;
        this.events.lock?.(false);
        this.fail({ code: 'OVSDB_LOCK_STOLEN', message: `lock ${id} stolen by another writer` });
      }),
    );
    const ready = new Promise<void>((resolve) => this.startWaiters.push(resolve));
    this.started = ready;
    void c.connect().then((r) => {
      if (!r.ok && r.error.code !== 'OVSDB_CLOSED') this.fail(r.error);
    });
    return ready;
  }

  /** Stop writing (after the transaction in flight) and close the connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.monitorRetry);
    this.writer.close();
    await this.writer.whenIdle();
    for (const u of this.unsubscribe.splice(0)) u();
    await this.client.close();
    this.connected = false;
    this.settleStart();
  }

  /** One batch of Loc-RIB best-path changes (the gateway's delta stream). */
  applyRibDeltas(batch: readonly RibDelta[]): void {
    if (batch.length === 0) return;
    const changed = this.remote.applyRibDeltas(batch);
    if (changed.flood) {
      this.writer.inputsChanged();
      return;
    }
    // MAC routes only: the writer may diff just these MACs.
    const lsOf = vniIndex(this.managed);
    const macs = new Map<string, string[]>();
    for (const [vni, list] of changed.macs) {
      const ls = lsOf.get(vni);
      if (ls !== undefined) macs.set(ls, list);
    }
    if (macs.size > 0) this.writer.inputsChanged(macs);
  }

  /** Manual remote gateway connections and their remote MACs (the REST layer's state). */
  setManual(input: ManualInput): void {
    const change = this.remote.setManual(input);
    if (change === 'none') return;
    if (change !== 'all') {
      // Only remote MACs of unchanged connections: a diff over those MACs, not the whole table.
      this.writer.inputsChanged(change);
      return;
    }
    this.refreshManaged();
    this.writer.inputsChanged();
  }

  /** The owner has End-of-RIB from every peer (or gave up waiting): deletes may follow. */
  setRoutesComplete(complete: boolean): void {
    if (this.routesComplete === complete) return;
    this.routesComplete = complete;
    this.writer.inputsChanged();
  }

  /** Resolves when nothing is left to write and no transaction is in flight. */
  whenIdle(): Promise<void> {
    return this.writer.whenIdle();
  }

  /**
   * Cheap enough to poll: the row figures are the writer's, from its last
   * diff and the commits since (no diff here); before its first diff they
   * come from the inputs alone.
   */
  status(): VtepSwitchStatus {
    const w = this.writer.stats;
    let desiredRows = w.desiredRows;
    let missing = w.missingSwitch;
    let skipped = this.writer.skipped;
    if (w.plans === 0) {
      const want = desired(this.inputs());
      desiredRows = want.ucastRows + want.mcast.size;
      missing = desiredRows;
      skipped = want.skipped;
    }
    const pending = w.pendingChanges;
    const extraRows = w.deletesHeld;
    const counts = this.remote.counts();
    const s: VtepSwitchStatus = {
      name: this.name,
      ovsdb: this.opts.ovsdb,
      connected: this.connected,
      snapshot: this.ready(),
      switchFound: this.switchFound,
      logicalSwitches: this.lsList,
      localMacs: this.localMacs.size,
      routesComplete: this.routesComplete,
      deletesAllowed: this.deletesAllowed(),
      remote: { ...counts, desiredRows, writtenRows: Math.max(0, desiredRows - missing - pending), pending, extraRows },
      writer: w,
      notInstalled: this.remote.notInstalled(this.managed),
      skipped: [...skipped],
    };
    if (this.tunnelIp !== undefined) s.tunnelIp = this.tunnelIp;
    if (this.opts.lock !== undefined) s.lock = { name: this.opts.lock, held: this.client.hasLock(this.opts.lock) };
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  // ------------------------------------------------------------ connection and monitor

  private ready(): boolean {
    return this.connected && this.mon !== undefined;
  }

  private onConnected(): void {
    if (this.stopped) return;
    this.connected = true;
    if (this.mon) {
      // The client resynced the monitor before announcing the connection.
      this.refreshLocal();
      this.writer.observedChanged();
      return;
    }
    void this.startMonitor();
  }

  private async startMonitor(): Promise<void> {
    if (this.monitorStarting || this.mon || this.stopped) return;
    this.monitorStarting = true;
    const spec = Object.fromEntries(TABLES.map((t) => [t, t === 'Ucast_Macs_Remote' ? LEAN_UCAST : {}])) as { [K in Watched]: object };
    const r = await this.client.monitor(VTEP_DB, vtepSchema, spec, (changes, source) => this.onChanges(changes, source));
    this.monitorStarting = false;
    if (this.stopped) return;
    if (!r.ok) {
      this.fail(r.error);
      // A dropped connection retries on `connected`; anything else after a pause.
      if (r.error.code !== 'OVSDB_DISCONNECTED') {
        this.monitorRetry = setTimeout(() => void this.startMonitor(), this.opts.monitorRetryMs ?? 2000);
      }
      return;
    }
    this.mon = r.value;
    if (this.opts.lock !== undefined && !this.client.hasLock(this.opts.lock)) {
      // The client re-requests the lock after every reconnect.
      void this.client.lock(this.opts.lock).then((l) => {
        if (!l.ok) this.fail(l.error);
        else if (!l.value.locked) this.events.lock?.(false);
      });
    }
    this.refreshLocal();
    this.writer.observedChanged();
    this.settleStart();
  }

  private settleStart(): void {
    for (const w of this.startWaiters.splice(0)) w();
  }

  private onChanges(changes: TypedRowChange<WatchedTables>[], source: UpdateSource): void {
    // The initial snapshot arrives before `mon` is set; startMonitor reads it then.
    if (!this.mon || this.stopped) return;
    if (source !== 'update') {
      this.refreshLocal();
      this.writer.observedChanged();
      return;
    }
    let local = false;
    const remote: TypedRowChange<WatchedTables>[] = [];
    for (const c of changes) {
      if (LOCAL_TABLES.has(c.table)) local = true;
      if (REMOTE_TABLES.has(c.table)) remote.push(c);
    }
    if (local) this.refreshLocal();
    // The writer tells the echo of its own commits from other writers' changes.
    if (remote.length > 0) this.writer.observedChanged(remote);
  }

  /** Re-read the local side and tell the owner what changed. */
  private refreshLocal(): void {
    const m = this.mon;
    if (!m) return;
    const rows = {
      physicalSwitches: m.rows('Physical_Switch'),
      logicalSwitches: m.rows('Logical_Switch'),
      ucastLocal: m.rows('Ucast_Macs_Local'),
      locators: m.rows('Physical_Locator'),
    };
    const view = readLocalView(this.name, rows);
    this.switchFound = view.switchFound;

    if (view.tunnelIp !== this.tunnelIp) {
      this.tunnelIp = view.tunnelIp;
      this.events.localVtep?.(view.tunnelIp);
    }
    const list = [...view.logicalSwitches.values()].sort((a, b) => a.vni - b.vni || (a.uuid < b.uuid ? -1 : 1));
    const key = list.map((l) => `${l.uuid}/${l.name}/${l.vni}`).join(',');
    if (key !== this.lsKey) {
      this.lsKey = key;
      this.lsList = list;
      this.events.logicalSwitches?.(list);
    }
    const macs = diffLocalMacs(this.localMacs, view.localMacs);
    this.localMacs = view.localMacs;
    if (macs.added.length + macs.removed.length > 0) this.events.localMacs?.(macs);
    if (this.refreshManaged()) this.writer.inputsChanged();
  }

  /** Logical switches whose remote rows are ours; true when the list changed. */
  private refreshManaged(): boolean {
    const m = this.mon;
    if (!m) return false;
    const named = this.remote.manualSwitches();
    const next: ManagedLogicalSwitch[] = [];
    for (const [uuid, ls] of m.rows('Logical_Switch')) {
      if (ls.tunnel_key !== null || named.has(uuid)) next.push({ uuid, name: ls.name, tunnelKey: ls.tunnel_key });
    }
    next.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    const same = next.length === this.managed.length && next.every((l, i) => {
      const o = this.managed[i];
      return o.uuid === l.uuid && o.name === l.name && o.tunnelKey === l.tunnelKey;
    });
    this.managed = next;
    return !same;
  }

  // ------------------------------------------------------------ writer source

  /** The writer's counters, without computing the full status. */
  get writerStats(): WriterStats {
    return this.writer.stats;
  }

  /** A monitored table's rows as last seen; empty before the first snapshot. */
  tableRows<K extends Watched>(table: K): ReadonlyMap<string, WatchedTables[K]> {
    return this.mon?.rows(table) ?? new Map();
  }

  /** The remote-side rows last seen in the database (kept while disconnected); undefined before the first snapshot. */
  remoteRows(): ObservedState | undefined {
    const m = this.mon;
    if (!m) return undefined;
    return {
      logicalSwitches: m.rows('Logical_Switch'),
      ucastRemote: m.rows('Ucast_Macs_Remote'),
      mcastRemote: m.rows('Mcast_Macs_Remote'),
      locators: m.rows('Physical_Locator'),
      locatorSets: m.rows('Physical_Locator_Set'),
    };
  }

  /** The remote MACs this switch should hold now, with where each comes from (BGP or manual). */
  effectiveMacs(): Array<{ mac: string; logicalSwitch: string; dstIp: string; ipaddr: string; source: 'bgp' | 'manual' }> {
    const names = new Map(this.managed.map((m) => [m.uuid, m.name]));
    return [...desired(this.inputs()).ucast.values()].flatMap((macs) => [...macs.values()]).map((u) => ({
      mac: u.mac, logicalSwitch: names.get(u.logicalSwitch) ?? u.logicalSwitch, dstIp: u.locator.dstIp, ipaddr: u.ipaddr, source: u.source,
    }));
  }

  private inputs(): ReconcileInputs {
    return this.remote.inputs(this.managed);
  }

  /** What the writer diffs against: nothing while disconnected or (with a lock) not holding it. */
  private observe(): ObservedState | undefined {
    if (!this.ready() || this.stopped) return undefined;
    if (this.opts.lock !== undefined && !this.client.hasLock(this.opts.lock)) return undefined;
    return this.remoteRows();
  }

  private deletesAllowed(): boolean {
    return this.ready() && this.routesComplete;
  }

  private fail(e: VtepSwitchError): void {
    this.lastError = { code: e.code, message: e.message };
    this.events.error?.(this.lastError);
  }
}
