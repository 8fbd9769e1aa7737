/**
 * Writes the remote side of managed switches into one hardware_vtep
 * database: desired → diff → batches (src/vtep/reconcile) → RFC 7047 §4.1.3
 * transact, one transaction in flight at a time.
 *
 * - Pipelining, within one transaction in flight: while the server commits
 *   one transaction, the writer builds and encodes the next (when the
 *   locators it names are known), so the next goes out as the reply lands.
 * - Coalescing: input changes arriving while a plan is being written are
 *   planned together, in one new diff from the freshest inputs and observed
 *   rows, once the current plan is written. A plan is written to its end:
 *   its rows were right when it was made, and the next diff corrects what
 *   changed since. A table arriving route by route thus costs a few diffs,
 *   each over what arrived during the previous one, not one per transaction.
 * - Diffs over changed MACs: when only the inputs of some MACs changed since
 *   the last plan (their routes, or a manual connection's MAC list:
 *   inputsChanged with MACs), nobody else wrote, and deletes are
 *   allowed, the diff covers just those MACs (diffMacs), their rows found in
 *   a UcastIndex kept in step with the monitor's changes; it is diffed a
 *   slice of MACs at a time (macBatches), so a large one starts writing
 *   after its first slice instead of after the whole diff. Anything else
 *   (flood lists, manual connections, logical switches, another writer's rows,
 *   a resync) brings a full diff, which rebuilds the index; so does a slice
 *   that adds to or clears the inputs a diff skips, which full diffs count.
 * - Echoes: a monitor update that only shows rows our own commits touched
 *   (their echo, RFC 7047 §4.1.6) needs no new diff; any other change does.
 *   The Ucast_Macs_Remote rows a commit inserted are told to the source
 *   (insertedUcast) as its reply lands, for a monitor that announces inserts
 *   by uuid only.
 *   Updates that arrive while a transaction is in flight are judged once its
 *   reply names the rows it touched.
 * - Freshness: before re-diffing, the observed rows must show every row our
 *   last commits touched (their echoes: the monitor update may trail the reply);
 *   after `freshnessTimeoutMs` it proceeds anyway (a stale diff could then
 *   insert a row twice; set `guardInserts` where that must never happen,
 *   see batch.ts).
 * - Failures: any failed transaction (including an unknown outcome after a
 *   disconnect) drops the plan; after a backoff the writer re-reads and
 *   re-diffs the whole remote side (the dropped plan's MACs are no longer
 *   marked), so every retry is idempotent (DESIGN §2). `observe()` must
 *   return undefined while no complete snapshot is held (e.g. between a
 *   reconnect and the monitor resync); the writer then waits for
 *   `observedChanged()`.
 * - Deletes happen only while `allowDeletes()` says so (complete snapshot
 *   and End-of-RIB; the caller decides).
 *
 * One writer per managed switch, over that switch's own connection (see
 * switch.ts: two managed switches must not share a database).
 */
import { PlanNames, batches, bindBatch, insertedUcast, learnUuids, touchedRows } from './reconcile/batch.js';
import { joinOps } from './ovsdb/codec/jsonrpc.js';
import type { EncodedOps } from './ovsdb/codec/jsonrpc.js';
import type { Batch, BatchOptions } from './reconcile/batch.js';
import { desired } from './reconcile/desired.js';
import { diff, diffMacs } from './reconcile/diff.js';
import { UcastIndex } from './reconcile/ucast-index.js';
import type { UcastKeyRow } from './reconcile/ucast-index.js';
import type { ObservedState, ObservedUcast, ReconcileDiff, ReconcileInputs, SkippedInput } from './reconcile/types.js';

export const VTEP_DB = 'hardware_vtep';

export type TransactOutcome = { ok: true; value: unknown[] } | { ok: false; error: { code: string; message: string } };

/** What the writer needs of an OVSDB client: RFC 7047 §4.1.3 transact with operations encoded ahead. */
export interface Transactor {
  transact(db: string, ops: EncodedOps): Promise<TransactOutcome>;
}

/**
 * A row the monitor saw change, with its columns before (modify, delete) and
 * after (insert, modify): the shape of the OVSDB client's row changes.
 */
export interface ObservedChange {
  table: string;
  uuid: string;
  old?: object;
  new?: object;
}

/** Where the writer reads what to write and what is there. */
export interface WriterSource {
  inputs(): ReconcileInputs;
  /** The inputs of these MACs only (by logical switch), for a diff over them (see inputsChanged). */
  inputsFor(macs: ReadonlyMap<string, ReadonlySet<string>>): ReconcileInputs;
  /** the monitor's rows, or undefined while no complete snapshot is held */
  observe(): ObservedState | undefined;
  allowDeletes(): boolean;
  /**
   * The Ucast_Macs_Remote rows a commit inserted, as the monitor will hold
   * them: told as soon as its reply is in, before anything reads the
   * monitor (for a monitor that announces inserts by uuid only).
   */
  insertedUcast?(rows: readonly { uuid: string; row: ObservedUcast }[]): void;
}

export interface WriterStats {
  transactions: number;
  failedTransactions: number;
  /** rows inserted or updated (locators and locator sets included) */
  rowsWritten: number;
  rowsDeleted: number;
  /** latency of the last transaction, ms */
  lastLatencyMs: number;
  /** diffs computed */
  plans: number;
  /** of those, diffs over changed MACs only (the rest covered the whole remote side) */
  macPlans: number;
  /** from the last diff: rows wanted, changes planned and not yet committed (a MAC not yet diffed counts as one), extra rows held back, inputs skipped, rows of missing switches */
  desiredRows: number;
  pendingChanges: number;
  deletesHeld: number;
  skippedInputs: number;
  missingSwitch: number;
}

export interface WriterOptions extends BatchOptions {
  transactor: Transactor;
  source: WriterSource;
  /** default VTEP_DB */
  db?: string;
  /** backoff after a failed transaction: first delay, doubled up to the max (defaults 500, 8000 ms) */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** how long to wait for the monitor to show our own commit (default 2000 ms) */
  freshnessTimeoutMs?: number;
  onStats?: (stats: Readonly<WriterStats>) => void;
  onError?: (error: { code: string; message: string }) => void;
  /** Each transaction answered: its latency, outcome and rows written or deleted (metrics). */
  onTransaction?: (t: TransactionReport) => void;
}

export interface TransactionReport {
  ms: number;
  ok: boolean;
  /** rows inserted or updated, and deleted; 0 when it failed */
  written: number;
  deleted: number;
}

interface Plan {
  batches: Iterator<Batch, void>;
  /** a batch taken but not bound yet: it names a locator the transaction in flight inserts */
  taken: Batch | undefined;
  /** the next transaction, bound and encoded */
  ready: { batch: Batch; ops: EncodedOps } | undefined;
  done: boolean;
  /** uuid-name → uuid of locators committed by earlier batches */
  known: Map<string, string>;
}


interface Flight {
  batch: Batch;
  reply: Promise<TransactOutcome>;
  t0: number;
}

export class VtepWriter {
  private readonly db: string;
  private readonly counters: WriterStats = {
    transactions: 0, failedTransactions: 0, rowsWritten: 0, rowsDeleted: 0, lastLatencyMs: 0,
    plans: 0, macPlans: 0, desiredRows: 0, pendingChanges: 0, deletesHeld: 0, skippedInputs: 0, missingSwitch: 0,
  };
  private running = false;
  private closed = false;
  private observedDirty = false;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private retryMs: number;
  /** rows our commits touched whose echo has not arrived yet */
  private readonly echoes = new Set<string>();
  /** the changes of each update that came while a transaction was in flight, judged after its reply */
  private heldChanges: (readonly ObservedChange[])[] = [];
  /** the transaction sent and not answered yet */
  private flight: Flight | undefined;
  private lastSkipped: readonly SkippedInput[] = [];
  /** MACs whose inputs changed since the last plan, by logical switch; with `dirtyAll`, anything else may have too */
  private dirtyMacs = new Map<string, Set<string>>();
  private dirtyAll = false;
  /** the observed Ucast rows by MAC, kept up to date from the monitor's changes; rebuilt by every full diff */
  private index: UcastIndex | undefined;

  private readonly transactor: Transactor;
  private readonly source: WriterSource;

  constructor(private readonly options: WriterOptions) {
    this.transactor = options.transactor;
    this.source = options.source;
    this.db = options.db ?? VTEP_DB;
    this.retryMs = options.retryMinMs ?? 500;
  }

  get stats(): Readonly<WriterStats> {
    return { ...this.counters };
  }

  /** Inputs the last diff left out, and why. */
  get skipped(): readonly SkippedInput[] {
    return this.lastSkipped;
  }

  /**
   * Inputs (RIB, manual entries, managed switches, allowDeletes) changed:
   * re-plan after the current commit. With `macs` (by logical switch), only the inputs of these
   * MACs changed: if nothing else did since the last plan, the next diff
   * covers just them (diffMacs), not the whole table.
   */
  inputsChanged(macs?: ReadonlyMap<string, Iterable<string>>): void {
    if (macs === undefined) this.dirtyAll = true;
    else {
      for (const [ls, list] of macs) {
        let set = this.dirtyMacs.get(ls);
        if (set === undefined) this.dirtyMacs.set(ls, (set = new Set()));
        for (const mac of list) set.add(mac);
      }
    }
    this.kick();
  }

  /**
   * The observed rows changed: re-check once the current plan is done.
   * With `changed` (the rows a monitor update touched, before and after),
   * changes that are only the echo of our own commits are ignored; without
   * it (resync, lock regained) the rows are always re-checked.
   */
  observedChanged(changed?: readonly ObservedChange[]): void {
    if (changed === undefined) {
      // A resync: the snapshot is the truth; echoes still owed are moot.
      this.index = undefined;
      this.echoes.clear();
    } else {
      const index = this.index;
      if (index) {
        for (const c of changed) {
          if (c.table === 'Ucast_Macs_Remote') index.change(c.uuid, c.old as UcastKeyRow | undefined, c.new as UcastKeyRow | undefined);
        }
      }
      if (this.flight) {
        this.heldChanges.push(changed);
        return;
      }
      if (!this.external(changed)) {
        // Only our echoes: a writer waiting for them to re-plan may go on.
        if (this.echoes.size === 0) this.wake?.();
        return;
      }
    }
    this.observedDirty = true;
    this.kick();
  }

  /** Consumes matching echoes; true when some change is not one. */
  private external(changed: Iterable<ObservedChange>): boolean {
    let other = false;
    for (const c of changed) if (!this.echoes.delete(c.uuid)) other = true;
    return other;
  }

  /** Resolves when nothing is left to write and no transaction is in flight. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop after the transaction in flight, if any; whenIdle() resolves. */
  close(): void {
    this.closed = true;
    this.wake?.();
    if (!this.running) this.settleIdle();
  }

  /** Inputs changed since the last plan. */
  private inputsDirty(): boolean {
    return this.dirtyAll || this.dirtyMacs.size > 0;
  }

  private isIdle(): boolean {
    return this.closed || (!this.running && !this.inputsDirty() && !this.observedDirty);
  }

  private kick(): void {
    if (this.closed) return;
    this.wake?.();
    if (!this.running) void this.run();
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Sleep until `ms` pass (Infinity: no timer) or, when wakeable, until the next kick. */
  private sleep(ms: number, wakeable: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (timedOut: boolean): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(timedOut);
      };
      if (Number.isFinite(ms)) timer = setTimeout(() => done(true), ms);
      // close() always wakes; kicks only when wakeable.
      this.wake = () => {
        if (wakeable || this.closed) done(false);
      };
    });
  }


  private plan(seen: ObservedState): Plan | undefined {
    const allowDeletes = this.source.allowDeletes();
    // Only some MACs changed, nobody else wrote, and the index is current: diff just them.
    // Before deletes are allowed every diff is full (it also counts the rows held back).
    const macs = this.dirtyMacs;
    const keyed = !this.dirtyAll && !this.observedDirty && allowDeletes && this.index !== undefined;
    this.observedDirty = false;
    this.dirtyAll = false;
    this.dirtyMacs = new Map();
    this.echoes.clear();
    const c = this.counters;
    c.plans++;
    if (keyed) {
      c.macPlans++;
      // Until its slice is diffed, each MAC counts as one pending change.
      c.pendingChanges = countMacs(macs);
      this.options.onStats?.(this.stats);
      return newPlan(this.macBatches(macs, allowDeletes));
    }
    const want = desired(this.source.inputs());
    this.index = new UcastIndex(want.switches, seen);
    const d = diff(want, seen, { allowDeletes }, this.index);
    c.desiredRows = want.ucastRows + want.mcast.size;
    this.lastSkipped = want.skipped;
    c.skippedInputs = want.skipped.length;
    c.deletesHeld = d.deletesHeld;
    c.missingSwitch = d.missingSwitch;
    c.pendingChanges = d.changes.length;
    this.options.onStats?.(this.stats);
    if (d.changes.length === 0) return undefined;
    return newPlan(batches(d, this.options));
  }

  /**
   * The batches of a plan over changed MACs, diffed a slice at a time as
   * its batches are taken: the first transaction goes out after one slice's
   * diff, and each later slice is diffed while the server commits the one
   * before. Slices hold disjoint MACs, so commits whose echo is still owed
   * touch no row a later slice looks up; a locator an earlier slice inserts
   * is named, not inserted again (PlanNames). The first slice that drops a
   * reference to a locator is diffed together with all the rest, so every
   * locator the server may collect is bundled with its users (diff.ts).
   */
  private *macBatches(macs: ReadonlyMap<string, ReadonlySet<string>>, allowDeletes: boolean): Generator<Batch, void, undefined> {
    const names = new PlanNames();
    const slices = sliceMacs(macs, MACS_PER_DIFF);
    for (let next = slices.next(); !next.done; ) {
      let slice = next.value;
      const seen = this.source.observe();
      const index = this.index;
      if (!seen || !index) {
        // Disconnected or resynced mid-plan: what is left needs a full diff.
        this.dirtyAll = true;
        return;
      }
      next = slices.next();
      let s = this.diffSlice(slice, seen, index, allowDeletes);
      if (!next.done && releasesLocator(s.diff)) {
        for (; !next.done; next = slices.next()) slice = mergeMacs(slice, next.value);
        s = this.diffSlice(slice, seen, index, allowDeletes);
      }
      const c = this.counters;
      c.desiredRows += s.desiredDelta;
      c.pendingChanges += s.diff.changes.length - s.macs;
      yield* batches(s.diff, this.options, names);
    }
  }

  /** A diff over one slice of MACs, with how it changes the desired row count. */
  private diffSlice(
    slice: ReadonlyMap<string, ReadonlySet<string>>, seen: ObservedState, index: UcastIndex, allowDeletes: boolean,
  ): { diff: ReconcileDiff; desiredDelta: number; macs: number } {
    const want = desired(this.source.inputsFor(slice));
    // What the inputs skip is counted by full diffs: one follows when these MACs add to it or leave it.
    if (want.skipped.length > 0 || this.lastSkipped.some((k) => k.kind === 'mac' && k.mac !== undefined && slice.get(k.logicalSwitch)?.has(k.mac))) this.dirtyAll = true;
    const d = diffMacs(want, seen, slice, index, { allowDeletes });
    // The rows these MACs had (the index shows our earlier commits) give way to the rows they want now.
    return { diff: d, desiredDelta: want.ucastRows - d.found, macs: countMacs(slice) };
  }

  /**
   * Send the plan's ready transaction; while the server commits it, prepare
   * the next. The flight is set first: preparing may read the monitor's
   * cache, and the updates that brings must be held for this reply.
   */
  private send(plan: Plan): void {
    const ready = plan.ready as { batch: Batch; ops: EncodedOps };
    plan.ready = undefined;
    this.flight = { batch: ready.batch, reply: this.transactor.transact(this.db, ready.ops), t0: performance.now() };
    this.prepare(plan);
  }

  /** Build, bind and encode the plan's next transaction, if its locators are known. */
  private prepare(plan: Plan): void {
    if (plan.ready || plan.done) return;
    if (!plan.taken) {
      const n = plan.batches.next();
      if (n.done) {
        plan.done = true;
        return;
      }
      plan.taken = n.value;
    }
    const bound = bindBatch(plan.taken, plan.known);
    if (!bound.ok) return;
    plan.ready = { batch: plan.taken, ops: joinOps(bound.ops) };
    plan.taken = undefined;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      let plan: Plan | undefined;
      while (!this.closed || this.flight) {
        if (!plan) {
          if (!this.inputsDirty() && !this.observedDirty) break;
          const seen = this.source.observe();
          if (!seen) {
            await this.sleep(Infinity, true);
            continue;
          }
          if (this.echoes.size > 0) {
            const timedOut = await this.sleep(this.options.freshnessTimeoutMs ?? 2000, true);
            if (timedOut) this.echoes.clear();
            continue;
          }
          plan = this.plan(seen);
          continue;
        }
        if (!this.flight) {
          this.prepare(plan);
          if (!plan.ready) {
            // An earlier batch's result lacked a locator uuid: re-read and re-diff.
            if (plan.taken) this.dirtyAll = true;
            plan = undefined;
            continue;
          }
          this.send(plan);
        }
        const done = this.flight as Flight;
        const r = await done.reply;
        this.flight = undefined;
        const held = this.heldChanges;
        this.heldChanges = [];
        const c = this.counters;
        c.lastLatencyMs = performance.now() - done.t0;
        if (!r.ok) {
          this.options.onTransaction?.({ ms: c.lastLatencyMs, ok: false, written: 0, deleted: 0 });
          c.failedTransactions++;
          this.options.onError?.(r.error);
          this.options.onStats?.(this.stats);
          // The plan's remaining changes may be of MACs no longer marked: diff everything.
          plan = undefined;
          this.dirtyAll = true;
          await this.sleep(this.retryMs, false);
          this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 8000);
          continue;
        }
        // The next transaction goes out before the rest of this one's bookkeeping;
        // it may name the locators this one inserted. Updates that arrive meanwhile
        // (preparing may bring this one's echo, see send) are held for its reply,
        // and judged after this one's rows are registered as echoes below.
        const b = done.batch;
        for (const [name, uuid] of learnUuids(b, r.value)) plan.known.set(name, uuid);
        if (b.ucastInserts.length > 0) this.source.insertedUcast?.(insertedUcast(b, r.value, plan.known));
        if (!this.closed) {
          this.prepare(plan);
          if (plan.ready) this.send(plan);
        }
        for (const u of touchedRows(b, r.value)) this.echoes.add(u);
        this.retryMs = this.options.retryMinMs ?? 500;
        c.transactions++;
        c.rowsWritten += b.counts.inserted + b.counts.updated;
        c.rowsDeleted += b.counts.deleted;
        c.pendingChanges = Math.max(0, c.pendingChanges - b.changes);
        this.options.onTransaction?.({ ms: c.lastLatencyMs, ok: true, written: b.counts.inserted + b.counts.updated, deleted: b.counts.deleted });
        // Every held update is judged: each consumes its own echoes.
        for (const h of held) if (this.external(h)) this.observedDirty = true;
        this.options.onStats?.(this.stats);
      }
    } finally {
      this.running = false;
      if (this.isIdle()) this.settleIdle();
      else if (!this.closed) void this.run();
    }
  }
}

/**
 * MACs per diff of a plan over changed MACs: about two transactions' worth,
 * so that each slice's diff fits in the time the server takes to commit one
 * (a larger slice made every tenth reply wait behind its diff).
 */
const MACS_PER_DIFF = 200;

function newPlan(batches: Iterator<Batch, void>): Plan {
  return { batches, taken: undefined, ready: undefined, done: false, known: new Map() };
}

/** How many MACs `macs` (by logical switch) holds. */
function countMacs(macs: ReadonlyMap<string, ReadonlySet<string>>): number {
  let n = 0;
  for (const set of macs.values()) n += set.size;
  return n;
}

/** The MACs of `macs` (by logical switch) in slices of at most `size`. */
function* sliceMacs(macs: ReadonlyMap<string, ReadonlySet<string>>, size: number): Generator<Map<string, Set<string>>, void, undefined> {
  let slice = new Map<string, Set<string>>();
  let n = 0;
  for (const [ls, set] of macs) {
    for (const mac of set) {
      let s = slice.get(ls);
      if (s === undefined) slice.set(ls, (s = new Set()));
      s.add(mac);
      if (++n === size) {
        yield slice;
        slice = new Map();
        n = 0;
      }
    }
  }
  if (n > 0) yield slice;
}

function mergeMacs(into: Map<string, Set<string>>, from: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  for (const [ls, set] of from) {
    const s = into.get(ls);
    if (s === undefined) into.set(ls, new Set(set));
    else for (const mac of set) s.add(mac);
  }
  return into;
}

/** Whether a change drops a row's reference to a locator (which the server may then collect). */
function releasesLocator(d: ReconcileDiff): boolean {
  return d.changes.some((c) => c.kind === 'delete-ucast' || (c.kind === 'update-ucast' && c.locator !== undefined));
}
