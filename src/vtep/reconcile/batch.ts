/**
 * Row changes → RFC 7047 transactions (§4.1.3, operations §5.2) of bounded
 * size, each operation written straight as its JSON text (no object per
 * operation to build and serialize: a bulk install writes 100,000 of them).
 *
 * A new Physical_Locator is inserted under a uuid-name (§5.2.1) in the same
 * transaction as the first row that references it: an unreferenced
 * locator would be garbage collected at commit (not a root table). Rows that
 * need it are kept next to it; those that do not fit reference it from a
 * later batch by the same uuid-name listed in `imports`, which the writer
 * binds to the uuid the earlier commit returned (bindBatch / learnUuids).
 * A unit is never split: a batch exceeds `maxRows` only when one flood set
 * needs more new locators than that, or a bundle (see diff.ts) is larger.
 * The diffs of one plan share their uuid-names (PlanNames): a locator a
 * later diff asks for again is the one an earlier batch inserts, not a second.
 *
 * Each batch keeps its Ucast_Macs_Remote inserts, so that once committed the
 * rows can be told to a monitor that announces inserts by uuid only
 * (insertedUcast).
 *
 * With `guardInserts`, inserts of Ucast/Mcast rows are guarded by a `wait`
 * (§5.2.6, timeout 0) that no row with the same natural key exists, so a
 * diff made from stale rows fails instead of duplicating rows (the tables
 * have no unique index). Off by default: ovsdb-server has no index on MAC,
 * so each guard scans the table (quadratic on a full sync), and the writer
 * already diffs only against rows that include its own commits. With a lock, every transaction starts with
 * `assert` (§5.2.10) so that only the lock holder writes (DESIGN §6).
 */
import { ENCAPSULATION, UNKNOWN_DST } from './types.js';
import type { Change, LocatorKey, LocatorRef, ObservedUcast, ReconcileDiff, SetRef } from './types.js';

/** A Ucast_Macs_Remote insert of a batch: its operation, and the row but for uuids only the commit gives. */
interface UcastInsert {
  op: number;
  change: Extract<Change, { kind: 'insert-ucast' }>;
  /** the uuid-name of a locator this plan inserts */
  locatorName: string | undefined;
}

export interface BatchOptions {
  /** rows written or deleted per transaction (default 100) */
  maxRows?: number;
  /** OVSDB lock every transaction asserts (§4.1.8) */
  lock?: string;
  /** guard inserts with `wait` (default false) */
  guardInserts?: boolean;
}

type RootTable = 'Ucast_Macs_Remote' | 'Mcast_Macs_Remote';

export interface Batch {
  /** RFC 7047 operations, each as JSON text; imported names still appear as ["named-uuid", name] */
  ops: string[];
  /** rows inserted, updated or deleted (locators and sets included): the sum of `counts` */
  readonly rows: number;
  /** locators inserted here: uuid-name → index of the insert in `ops` */
  defines: Map<string, number>;
  /** uuid-names of locators inserted by earlier batches of the same plan */
  imports: string[];
  /** uuids of the Ucast/Mcast rows updated or deleted (inserted ones are named in the results) */
  touched: string[];
  /** the Ucast_Macs_Remote inserts (see insertedUcast) */
  ucastInserts: UcastInsert[];
  /** diff changes carried (a change may write a locator or set beside its row) */
  changes: number;
  counts: { inserted: number; updated: number; deleted: number };
}

const DEFAULT_MAX_ROWS = 100;

/** Characters of the uuids, MACs, addresses and names written here: no escaping needed. */
const PLAIN = /^[\w.:-]*$/;

/** A JSON string (§5.1 <string>). */
function str(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** §5.1 <uuid> and <named-uuid>, as JSON text. */
function uuidRef(uuid: string): string {
  return `["uuid",${str(uuid)}]`;
}

function namedRef(name: string): string {
  return `["named-uuid",${str(name)}]`;
}

function whereUuid(uuid: string): string {
  return `[["_uuid","==",${uuidRef(uuid)}]]`;
}

const NO_KEYS: readonly LocatorKey[] = [];

function newKeysOf(c: Change): readonly LocatorKey[] {
  if (c.kind === 'insert-ucast' || c.kind === 'update-ucast') return c.locator && 'insert' in c.locator ? [c.locator.insert.key] : NO_KEYS;
  const keys: LocatorKey[] = [];
  const add = (r: LocatorRef | undefined): void => {
    if (r && 'insert' in r && !keys.includes(r.insert.key)) keys.push(r.insert.key);
  };
  switch (c.kind) {
    case 'insert-mcast':
    case 'update-mcast':
      if ('insert' in c.set) for (const r of c.set.insert) add(r);
      break;
    case 'delete-ucast':
    case 'delete-mcast':
      break;
  }
  return keys;
}

function rowCost(c: Change): number {
  return (c.kind === 'insert-mcast' || c.kind === 'update-mcast') && 'insert' in c.set ? 2 : 1;
}

function phase(c: Change): number {
  return c.kind.startsWith('insert') ? 0 : c.kind.startsWith('update') ? 1 : 2;
}

/**
 * Units (changes that commit together: a bundle, or one change) grouped:
 * per phase (inserts, updates, deletes, as the diff orders them; a bundle
 * at its earliest member), first those needing no new locator, then those
 * sharing a new locator together. Yielded one group at a time; a group of
 * one lone change (most of them) is a scratch array refilled for the next,
 * so a bulk install allocates nothing per change here: use it before the
 * next `next()`, do not keep it.
 */
function* groups(changes: readonly Change[], bundles: readonly number[][]): Generator<readonly (readonly Change[])[], void, undefined> {
  const unitOf = new Map<number, number[]>();
  for (const b of bundles) for (const i of b) unitOf.set(i, b);
  const lone: Change[] = [];
  const loneGroup: readonly (readonly Change[])[] = [lone];
  for (let p = 0; p <= 2; p++) {
    const byKey = new Map<LocatorKey, Change[][]>();
    for (let i = 0; i < changes.length; i++) {
      const b = unitOf.size > 0 ? unitOf.get(i) : undefined;
      let unit: Change[] | undefined;
      let key: LocatorKey | undefined;
      if (b === undefined) {
        const c = changes[i];
        if (phase(c) !== p) continue;
        key = newKeysOf(c)[0];
        if (key === undefined) {
          lone[0] = c;
          yield loneGroup;
          continue;
        }
        unit = [c];
      } else {
        if (b[0] !== i) continue;
        const cs = b.map((j) => changes[j]);
        if (Math.min(...cs.map(phase)) !== p) continue;
        key = cs.flatMap(newKeysOf)[0];
        if (key === undefined) {
          yield [cs];
          continue;
        }
        unit = cs;
      }
      const g = byKey.get(key);
      if (g) g.push(unit);
      else byKey.set(key, [unit]);
    }
    yield* byKey.values();
  }
}

/** uuid-names (§5.2.1) given to the locators and sets one plan inserts, shared by its diffs' batches. */
export class PlanNames {
  /** locator key → uuid-name */
  readonly locators = new Map<LocatorKey, string>();
  sets = 0;
}

/**
 * The batches of a diff, built one at a time as they are taken, so a writer
 * can build the next while the previous is in flight.
 */
export function* batches(d: ReconcileDiff, options: BatchOptions = {}, names = new PlanNames()): Generator<Batch, void, undefined> {
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_MAX_ROWS);
  const guard = options.guardInserts ?? false;
  const named = names.locators;
  let cur: Batch | undefined;
  // The few logical switch and locator uuids most rows name, as JSON text, built once each.
  const refs = new Map<string, string>();
  const ref = (uuid: string): string => {
    let r = refs.get(uuid);
    if (r === undefined) refs.set(uuid, (r = uuidRef(uuid)));
    return r;
  };

  const open = (): Batch => {
    const counts = { inserted: 0, updated: 0, deleted: 0 };
    const b: Batch = {
      ops: [], defines: new Map(), imports: [], touched: [], ucastInserts: [], changes: 0, counts,
      get rows() {
        return counts.inserted + counts.updated + counts.deleted;
      },
    };
    if (options.lock !== undefined) b.ops.push(`{"op":"assert","lock":${str(options.lock)}}`);
    return b;
  };
  const cost = (cs: readonly Change[]): number => {
    if (cs.length === 1) {
      // One change (most units): its keys are distinct already.
      let n = rowCost(cs[0]);
      for (const k of newKeysOf(cs[0])) if (!named.has(k)) n++;
      return n;
    }
    let n = 0;
    const fresh = new Set<LocatorKey>();
    for (const c of cs) {
      n += rowCost(c);
      for (const k of newKeysOf(c)) if (!named.has(k)) fresh.add(k);
    }
    return n + fresh.size;
  };

  /** A locator reference as JSON text; inserts the locator first when this plan has not. */
  const locRef = (b: Batch, r: LocatorRef): string => {
    if ('uuid' in r) return ref(r.uuid);
    const loc = r.insert;
    const name = named.get(loc.key);
    if (name !== undefined) {
      if (!b.defines.has(name) && !b.imports.includes(name)) b.imports.push(name);
      return namedRef(name);
    }
    const n = `loc${named.size}`;
    named.set(loc.key, n);
    const tunnelKey = loc.tunnelKey !== null ? `,"tunnel_key":${loc.tunnelKey}` : '';
    b.defines.set(n, b.ops.length);
    b.ops.push(`{"op":"insert","table":"Physical_Locator","row":{"encapsulation_type":${str(ENCAPSULATION)},"dst_ip":${str(loc.dstIp)}${tunnelKey}},"uuid-name":"${n}"}`);
    b.counts.inserted++;
    return namedRef(n);
  };
  const setRef = (b: Batch, s: SetRef): string => {
    if ('uuid' in s) return uuidRef(s.uuid);
    const refs = s.insert.map((r) => locRef(b, r));
    const n = `set${names.sets++}`;
    b.ops.push(`{"op":"insert","table":"Physical_Locator_Set","row":{"locators":["set",[${refs.join(',')}]]},"uuid-name":"${n}"}`);
    b.counts.inserted++;
    return namedRef(n);
  };
  const guardOp = (table: RootTable, mac: string, ls: string): string =>
    `{"op":"wait","table":"${table}","timeout":0,"until":"==","rows":[],"columns":["MAC"],"where":[["MAC","==",${str(mac)}],["logical_switch","==",${uuidRef(ls)}]]}`;

  const emit = (b: Batch, c: Change): void => {
    switch (c.kind) {
      case 'insert-ucast': {
        if (guard) b.ops.push(guardOp('Ucast_Macs_Remote', c.mac, c.logicalSwitch));
        const locator = locRef(b, c.locator);
        b.ucastInserts.push({ op: b.ops.length, change: c, locatorName: 'insert' in c.locator ? named.get(c.locator.insert.key) : undefined });
        // An empty ipaddr is the column's default (§5.2.1: columns left out get theirs): not sent.
        const ipaddr = c.ipaddr === '' ? '' : `,"ipaddr":${str(c.ipaddr)}`;
        b.ops.push(`{"op":"insert","table":"Ucast_Macs_Remote","row":{"MAC":${str(c.mac)},"logical_switch":${ref(c.logicalSwitch)}${ipaddr},"locator":${locator}}}`);
        b.counts.inserted++;
        break;
      }
      case 'update-ucast': {
        const row: string[] = [];
        if (c.locator) row.push(`"locator":${locRef(b, c.locator)}`);
        if (c.ipaddr !== undefined) row.push(`"ipaddr":${str(c.ipaddr)}`);
        b.ops.push(`{"op":"update","table":"Ucast_Macs_Remote","where":${whereUuid(c.uuid)},"row":{${row.join(',')}}}`);
        b.touched.push(c.uuid);
        b.counts.updated++;
        break;
      }
      case 'insert-mcast': {
        if (guard) b.ops.push(guardOp('Mcast_Macs_Remote', UNKNOWN_DST, c.logicalSwitch));
        const set = setRef(b, c.set);
        b.ops.push(`{"op":"insert","table":"Mcast_Macs_Remote","row":{"MAC":${str(UNKNOWN_DST)},"logical_switch":${ref(c.logicalSwitch)},"locator_set":${set}}}`);
        b.counts.inserted++;
        break;
      }
      case 'update-mcast':
        b.ops.push(`{"op":"update","table":"Mcast_Macs_Remote","where":${whereUuid(c.uuid)},"row":{"locator_set":${setRef(b, c.set)}}}`);
        b.touched.push(c.uuid);
        b.counts.updated++;
        break;
      case 'delete-ucast':
      case 'delete-mcast': {
        const table: RootTable = c.kind === 'delete-ucast' ? 'Ucast_Macs_Remote' : 'Mcast_Macs_Remote';
        b.ops.push(`{"op":"delete","table":"${table}","where":${whereUuid(c.uuid)}}`);
        b.touched.push(c.uuid);
        b.counts.deleted++;
        break;
      }
    }
    b.changes++;
  };

  for (const g of groups(d.changes, d.bundles)) {
    // Start a fresh batch when the whole group fits in one but not in what is left.
    // (Most groups are one unit: its cost is the group's, no flattening needed.)
    const groupCost = cost(g.length === 1 ? g[0] : g.flat());
    if (cur && cur.rows > 0 && cur.rows + groupCost > maxRows && groupCost <= maxRows) {
      yield cur;
      cur = undefined;
    }
    for (const unit of g) {
      if (cur && cur.rows > 0 && cur.rows + (g.length === 1 ? groupCost : cost(unit)) > maxRows) {
        yield cur;
        cur = undefined;
      }
      cur ??= open();
      for (const c of unit) emit(cur, c);
    }
  }
  if (cur) yield cur;
}

/**
 * The operations of a batch with every imported uuid-name replaced by the
 * uuid an earlier commit gave it; `missing` lists names not yet known.
 */
export function bindBatch(b: Batch, known: ReadonlyMap<string, string>): { ok: true; ops: string[] } | { ok: false; missing: string[] } {
  if (b.imports.length === 0) return { ok: true, ops: b.ops };
  const missing = b.imports.filter((n) => !known.has(n));
  if (missing.length > 0) return { ok: false, missing };
  // A reference is written exactly as namedRef() wrote it, closing quote and bracket included,
  // so "loc1" never matches inside "loc10".
  let ops = b.ops;
  for (const name of b.imports) {
    const from = namedRef(name);
    const to = uuidRef(known.get(name) as string);
    ops = ops.map((op) => (op.includes(from) ? op.replaceAll(from, to) : op));
  }
  return { ok: true, ops };
}

function resultUuid(r: unknown): string | undefined {
  const u = (r as { uuid?: unknown } | null)?.uuid;
  return Array.isArray(u) && u[0] === 'uuid' && typeof u[1] === 'string' ? u[1] : undefined;
}

/** uuid-name → uuid of the locators a committed batch inserted (§5.2.1 insert result). */
export function learnUuids(b: Batch, results: readonly unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, index] of b.defines) {
    const u = resultUuid(results[index]);
    if (u !== undefined) out.set(name, u);
  }
  return out;
}

/** uuids of every row a committed batch inserted, updated or deleted: what its monitor echo will show. */
export function touchedRows(b: Batch, results: readonly unknown[]): string[] {
  const out: string[] = [...b.touched];
  for (const r of results) {
    const u = resultUuid(r);
    if (u !== undefined) out.push(u);
  }
  return out;
}

/**
 * The Ucast_Macs_Remote rows a committed batch inserted, by uuid, as the
 * monitor's cache holds them; `known` names the locators of the plan
 * (learnUuids). A row whose uuids are not all known is left out.
 */
export function insertedUcast(b: Batch, results: readonly unknown[], known: ReadonlyMap<string, string>): { uuid: string; row: ObservedUcast }[] {
  const out: { uuid: string; row: ObservedUcast }[] = [];
  for (const ins of b.ucastInserts) {
    const uuid = resultUuid(results[ins.op]);
    const c = ins.change;
    const locator = ins.locatorName === undefined ? (c.locator as { uuid: string }).uuid : known.get(ins.locatorName);
    if (uuid === undefined || locator === undefined) continue;
    out.push({ uuid, row: { MAC: c.mac, logical_switch: c.logicalSwitch, locator, ipaddr: c.ipaddr } });
  }
  return out;
}
