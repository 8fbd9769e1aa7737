/**
 * A `VtepDirectory` over hardware_vtep databases: the Physical_Switch and
 * Logical_Switch names of each managed switch's database, read from that
 * switch's own monitor (no second connection), so lookups answer from its
 * cache. A Logical_Switch is looked up in the database of the switch that
 * asks (two sites' databases may each have an "ls0"). Before a switch's
 * first snapshot its names are not known yet.
 */
import type { LogicalSwitchRef, SwitchRef, VtepDirectory } from './state.js';

/** The rows the directory reads of one hardware_vtep database. */
export interface SwitchTables {
  physicalSwitches(): ReadonlyMap<string, { name: string }>;
  logicalSwitches(): ReadonlyMap<string, { name: string; tunnel_key: number | null }>;
}

interface Source {
  tables: SwitchTables;
  /** managed Physical_Switch names in this database */
  switches: ReadonlySet<string>;
}

export class OvsdbVtepDirectory implements VtepDirectory {
  private readonly sources: Source[] = [];

  /** Read one hardware_vtep database whose managed switches are `switches`. */
  add(tables: SwitchTables, switches: readonly string[]): void {
    this.sources.push({ tables, switches: new Set(switches) });
  }

  listSwitches(): SwitchRef[] {
    const out: SwitchRef[] = [];
    for (const s of this.sources) {
      for (const [uuid, r] of s.tables.physicalSwitches()) if (s.switches.has(r.name)) out.push({ uuid, name: r.name });
    }
    return out;
  }

  findLogicalSwitch(nameOrUuid: string, switchName: string): LogicalSwitchRef | undefined {
    const rows = this.sources.find((s) => s.switches.has(switchName))?.tables.logicalSwitches();
    if (!rows) return undefined;
    const byUuid = rows.get(nameOrUuid);
    if (byUuid) return { uuid: nameOrUuid, name: byUuid.name, tunnelKey: byUuid.tunnel_key };
    for (const [uuid, r] of rows) if (r.name === nameOrUuid) return { uuid, name: r.name, tunnelKey: r.tunnel_key };
    return undefined;
  }
}
