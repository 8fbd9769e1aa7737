/**
 * Runs the reconciler against one hardware_vtep database: at most one transaction in
 * flight, changes arriving meanwhile coalesced into the next round, every round a
 * fresh diff against the monitor's rows (DESIGN.md §2: writes are idempotent, and after
 * an error or a reconnect the outcome of a transaction is unknown, so it re-reads,
 * re-diffs and writes again).
 *
 * A round starts only once the monitor shows the rows of the previous round's commits,
 * so a diff never sees its own writes missing and inserts them twice.
 */
import type { OvsdbResult } from './ovsdb/errors.js';
import { BatchPlanner, diff, locatorIndex } from './reconcile/reconcile.js';
import type { DesiredState, ObservedState } from './reconcile/reconcile.js';

export const VTEP_DB = 'hardware_vtep';

export interface Transactor {
  transact(db: string, ops: readonly object[]): Promise<OvsdbResult<unknown[]>>;
}

/** The monitor cache as the writer sees it. */
export interface ObservedSource {
  observed(): ObservedState;
  /** Resolves after the next monitor update (or after `ms`). */
  nextUpdate(ms: number): Promise<void>;
}

export interface WriterStats {
  transactions: number;
  rowsWritten: number;
  errors: number;
  lastTxnMs: number;
  lastError?: string;
  /** changes still to write in the current round */
  pending: number;
}

export interface WriterOptions {
  transactor: Transactor;
  source: ObservedSource;
  /** Rows per transaction: ovsdb-server's cost per row grows with transaction size. */
  maxRowsPerTxn?: number;
  /** OVSDB lock to assert in every transaction (active/standby writers). */
  lock?: string;
  /** May this writer write now (e.g. it holds the lock)? Default: always. */
  canWrite?: () => boolean;
  onTransaction?: (rows: number, ms: number) => void;
  onError?: (message: string) => void;
}

const RETRY_MS = 1000;
const CACHE_WAIT_MS = 2000;

export class VtepWriter {
  readonly stats: WriterStats = { transactions: 0, rowsWritten: 0, errors: 0, lastTxnMs: 0, pending: 0 };
  private want: DesiredState | undefined;
  private allowDeletes = false;
  private dirty = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** uuids our commits inserted / deleted that the monitor has not shown yet */
  private readonly expectInserted = new Map<string, string>();
  private readonly expectDeleted = new Map<string, string>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: WriterOptions) {}

  /** New desired state; written in the next round (coalesced with any other change). */
  setDesired(want: DesiredState, allowDeletes: boolean): void {
    this.want = want;
    this.allowDeletes = allowDeletes;
    this.kick();
  }

  /** The database changed under us (reconnect, another writer): diff again. */
  kick(): void {
    this.dirty = true;
    if (!this.running && !this.stopped) this.running = this.run().finally(() => (this.running = undefined));
  }

  /** Resolves when nothing is left to write (for tests and the first sync). */
  async whenIdle(): Promise<void> {
    while (this.running || this.retryTimer) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async cacheCaughtUp(): Promise<void> {
    const deadline = Date.now() + CACHE_WAIT_MS;
    for (;;) {
      const o = this.opts.source.observed();
      for (const [uuid, table] of this.expectInserted) if (tableOf(o, table).has(uuid)) this.expectInserted.delete(uuid);
      for (const [uuid, table] of this.expectDeleted) if (!tableOf(o, table).has(uuid)) this.expectDeleted.delete(uuid);
      if ((this.expectInserted.size === 0 && this.expectDeleted.size === 0) || Date.now() > deadline) break;
      await this.opts.source.nextUpdate(deadline - Date.now());
    }
    // Past the deadline the monitor is behind or reconnecting: the next diff decides.
    this.expectInserted.clear();
    this.expectDeleted.clear();
  }

  private async run(): Promise<void> {
    while (this.dirty && !this.stopped && this.want) {
      if (this.opts.canWrite && !this.opts.canWrite()) return;
      this.dirty = false;
      await this.cacheCaughtUp();
      const observed = this.opts.source.observed();
      const changes = diff(this.want, observed, { allowDeletes: this.allowDeletes });
      const resolved = locatorIndex(observed);
      const planner = new BatchPlanner(changes, resolved, this.opts.maxRowsPerTxn ?? 100, this.opts.lock);
      this.stats.pending = changes.length;
      for (let batch = planner.next(); batch; batch = planner.next()) {
        const t0 = performance.now();
        const r = await this.opts.transactor.transact(VTEP_DB, batch.ops);
        const ms = performance.now() - t0;
        if (!r.ok) {
          this.stats.errors++;
          this.stats.lastError = r.error.message;
          this.opts.onError?.(r.error.message);
          // Outcome unknown: re-read and re-diff after a pause.
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.kick();
          }, RETRY_MS);
          return;
        }
        this.learn(batch.ops, r.value, batch.locatorInserts, resolved);
        this.stats.transactions++;
        this.stats.rowsWritten += batch.rows;
        this.stats.lastTxnMs = ms;
        this.stats.pending = Math.max(0, this.stats.pending - batch.rows);
        this.opts.onTransaction?.(batch.rows, ms);
        if (this.dirty) break; // newer input: start a fresh round
      }
      this.stats.pending = 0;
    }
  }

  /** Records what the commit did: new locator uuids for later batches, rows to expect in the cache. */
  private learn(ops: readonly object[], results: readonly unknown[], locatorInserts: Map<number, string>, resolved: Map<string, string>): void {
    ops.forEach((op, i) => {
      const o = op as { op: string; table?: string; where?: unknown[][] };
      const res = results[i] as { uuid?: [string, string] } | undefined;
      if (o.op === 'insert' && res?.uuid && o.table) {
        const key = locatorInserts.get(i);
        if (key !== undefined) resolved.set(key, res.uuid[1]);
        if (o.table === 'Ucast_Macs_Remote' || o.table === 'Mcast_Macs_Remote') this.expectInserted.set(res.uuid[1], o.table);
      } else if (o.op === 'delete' && o.table && o.where) {
        const uuid = (o.where[0]?.[2] as [string, string] | undefined)?.[1];
        if (uuid) this.expectDeleted.set(uuid, o.table);
      }
    });
  }
}

function tableOf(o: ObservedState, table: string): ReadonlyMap<string, unknown> {
  return table === 'Ucast_Macs_Remote' ? o.ucast : table === 'Mcast_Macs_Remote' ? o.mcast : table === 'Physical_Locator' ? o.locators : o.locatorSets;
}
