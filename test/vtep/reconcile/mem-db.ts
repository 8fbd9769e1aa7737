/**
 * An in-memory model of the five hardware_vtep tables the reconciler touches,
 * executing the RFC 7047 operations it emits (insert with uuid-name, update,
 * delete, wait, assert) atomically, with the rules that shape the batches:
 * referential integrity, the Physical_Locator unique index, and garbage
 * collection of unreferenced locators and sets at commit. Pure tests use it to
 * check that applying a plan converges; the real server is tested in
 * test/vtep/writer.test.ts.
 */
import type { ObservedState, ReconcileInputs } from '../../../src/vtep/reconcile/types.js';
import type { ObservedChange, TransactOutcome, Transactor, WriterSource } from '../../../src/vtep/writer.js';

const OBSERVED_TABLES = {
  ucastRemote: 'Ucast_Macs_Remote', mcastRemote: 'Mcast_Macs_Remote', locators: 'Physical_Locator', locatorSets: 'Physical_Locator_Set',
} as const;

/** What a monitor would report between two views of the database: every row inserted, modified or deleted, before and after. */
export function monitorChanges(before: ObservedState, after: ObservedState): ObservedChange[] {
  const out: ObservedChange[] = [];
  for (const [key, table] of Object.entries(OBSERVED_TABLES)) {
    const a = before[key as keyof typeof OBSERVED_TABLES] as ReadonlyMap<string, object>;
    const b = after[key as keyof typeof OBSERVED_TABLES] as ReadonlyMap<string, object>;
    for (const [uuid, row] of b) {
      const old = a.get(uuid);
      if (JSON.stringify(old) !== JSON.stringify(row)) out.push(old ? { table, uuid, old, new: row } : { table, uuid, new: row });
    }
    for (const [uuid, old] of a) if (!b.has(uuid)) out.push({ table, uuid, old });
  }
  return out;
}

/** The inputs of the given MACs only (by logical switch), as a writer source's inputsFor gives them. */
export function inputsOfMacs(inputs: ReconcileInputs, which: ReadonlyMap<string, ReadonlySet<string>>): ReconcileInputs {
  return { ...inputs, macs: inputs.macs.filter((m) => which.get(m.logicalSwitch)?.has(m.mac)), flood: new Map() };
}

/** A writer source over `db` with the inputs `inputs()` gives, deletes allowed. */
export function memSource(db: MemDb, inputs: () => ReconcileInputs): WriterSource {
  return {
    inputs,
    inputsFor: (which) => inputsOfMacs(inputs(), which),
    observe: () => db.observed(),
    allowDeletes: () => true,
  };
}

/**
 * A writer's transactor over `db`: each transaction is applied as the server
 * would, and the rows it changed go to `committed` (the test decides when the
 * writer sees that echo). `before`, when it returns an outcome, answers the
 * transaction in place of the database (a refusal on demand).
 */
export function memTransactor(db: MemDb, committed: (echo: ObservedChange[]) => void, before?: () => TransactOutcome | undefined): Transactor {
  return {
    transact: async (_db, ops) => {
      const refused = before?.();
      if (refused) return refused;
      const seen = db.observed();
      const r = db.transact(JSON.parse(`[${ops.bytes.toString()}]`) as object[]);
      if (r.ok) committed(monitorChanges(seen, db.observed()));
      return r;
    },
  };
}

type Row = Record<string, unknown>;
type Tables = Record<string, Map<string, Row>>;

const TABLES = ['Logical_Switch', 'Ucast_Macs_Remote', 'Mcast_Macs_Remote', 'Physical_Locator', 'Physical_Locator_Set'];

export class MemDb {
  tables: Tables = Object.fromEntries(TABLES.map((t) => [t, new Map<string, Row>()]));
  private seq = 0;
  lockHeld = true;

  uuid(): string {
    const n = (this.seq++).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${n}`;
  }

  addLogicalSwitch(name: string, tunnelKey: number | null): string {
    const u = this.uuid();
    this.tables.Logical_Switch.set(u, { name, tunnel_key: tunnelKey });
    return u;
  }

  observed(): ObservedState {
    const t = this.tables;
    return {
      logicalSwitches: t.Logical_Switch as never,
      ucastRemote: t.Ucast_Macs_Remote as never,
      mcastRemote: t.Mcast_Macs_Remote as never,
      locators: t.Physical_Locator as never,
      locatorSets: t.Physical_Locator_Set as never,
    };
  }

  /** Operations as objects or as their JSON text (as the reconciler writes them). */
  transact(opsIn: readonly (object | string)[]): { ok: true; value: unknown[] } | { ok: false; error: { code: string; message: string } } {
    const ops = opsIn.map((o) => (typeof o === 'string' ? (JSON.parse(o) as object) : o));
    const work: Tables = Object.fromEntries(Object.entries(this.tables).map(([k, m]) => [k, new Map([...m].map(([u, r]) => [u, { ...r }]))]));
    const names = new Map<string, string>();
    const results: unknown[] = [];
    const fail = (message: string): { ok: false; error: { code: string; message: string } } => ({ ok: false, error: { code: 'OVSDB_TXN_FAILED', message } });
    const value = (v: unknown): unknown => {
      if (!Array.isArray(v)) return v;
      if (v[0] === 'uuid') return v[1];
      if (v[0] === 'named-uuid') {
        const u = names.get(v[1] as string);
        if (u === undefined) throw new Error(`unknown uuid-name ${String(v[1])}`);
        return u;
      }
      if (v[0] === 'set') return (v[1] as unknown[]).map(value);
      throw new Error(`unexpected value ${JSON.stringify(v)}`);
    };
    const matches = (uuid: string, row: Row, where: unknown[][]): boolean =>
      where.every(([c, f, v]) => {
        const have = c === '_uuid' ? uuid : row[c as string];
        const eq = have === value(v);
        return f === '==' ? eq : !eq;
      });
    try {
      for (const o of ops as Row[]) {
        const table = work[o.table as string];
        switch (o.op) {
          case 'assert':
            if (!this.lockHeld) return fail('not owner');
            results.push({});
            break;
          case 'insert': {
            const u = this.uuid();
            if (o['uuid-name']) names.set(o['uuid-name'] as string, u);
            const row: Row = {};
            for (const [c, v] of Object.entries(o.row as Row)) row[c] = value(v);
            if (o.table === 'Physical_Locator') {
              row.tunnel_key = Array.isArray(row.tunnel_key) ? null : (row.tunnel_key ?? null);
              for (const l of table.values()) if (l.dst_ip === row.dst_ip && l.tunnel_key === row.tunnel_key) return fail('constraint violation: duplicate locator');
            }
            if (o.table === 'Ucast_Macs_Remote' || o.table === 'Mcast_Macs_Remote') row.ipaddr ??= '';
            table.set(u, row);
            results.push({ uuid: ['uuid', u] });
            break;
          }
          case 'update': {
            let count = 0;
            for (const [u, r] of table) {
              if (!matches(u, r, o.where as unknown[][])) continue;
              for (const [c, v] of Object.entries(o.row as Row)) r[c] = value(v);
              count++;
            }
            results.push({ count });
            break;
          }
          case 'delete': {
            let count = 0;
            for (const [u, r] of [...table]) if (matches(u, r, o.where as unknown[][])) {
              table.delete(u);
              count++;
            }
            results.push({ count });
            break;
          }
          case 'wait': {
            const n = [...table].filter(([u, r]) => matches(u, r, o.where as unknown[][])).length;
            if (n !== (o.rows as unknown[]).length) return fail('timed out');
            results.push({});
            break;
          }
          default:
            return fail(`unsupported op ${String(o.op)}`);
        }
      }
    } catch (e) {
      return fail((e as Error).message);
    }
    // Referential integrity, then garbage collection of non-root tables.
    for (const r of work.Ucast_Macs_Remote.values()) {
      if (!work.Physical_Locator.has(r.locator as string) || !work.Logical_Switch.has(r.logical_switch as string)) return fail('referential integrity violation');
    }
    for (const r of work.Mcast_Macs_Remote.values()) {
      if (!work.Physical_Locator_Set.has(r.locator_set as string) || !work.Logical_Switch.has(r.logical_switch as string)) return fail('referential integrity violation');
    }
    const usedSets = new Set([...work.Mcast_Macs_Remote.values()].map((r) => r.locator_set as string));
    for (const u of [...work.Physical_Locator_Set.keys()]) if (!usedSets.has(u)) work.Physical_Locator_Set.delete(u);
    for (const s of work.Physical_Locator_Set.values()) {
      if ((s.locators as string[]).length === 0) return fail('constraint violation: empty set');
      for (const l of s.locators as string[]) if (!work.Physical_Locator.has(l)) return fail('referential integrity violation');
    }
    const usedLocs = new Set([...work.Ucast_Macs_Remote.values()].map((r) => r.locator as string));
    for (const s of work.Physical_Locator_Set.values()) for (const l of s.locators as string[]) usedLocs.add(l);
    for (const u of [...work.Physical_Locator.keys()]) if (!usedLocs.has(u)) work.Physical_Locator.delete(u);
    this.tables = work;
    return { ok: true, value: results };
  }
}
