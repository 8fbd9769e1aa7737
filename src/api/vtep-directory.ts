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

export class OvsdbVtepDirectory implements VtepDirectory {
  /** managed Physical_Switch name → the tables of its database */
  private readonly sources = new Map<string, SwitchTables>();

  /** Read the database of the managed switch `name`. */
  add(name: string, tables: SwitchTables): void {
    this.sources.set(name, tables);
  }

  listSwitches(): SwitchRef[] {
    const out: SwitchRef[] = [];
    for (const [name, tables] of this.sources) {
      for (const [uuid, r] of tables.physicalSwitches()) if (r.name === name) out.push({ uuid, name });
    }
    return out;
  }

  findLogicalSwitch(nameOrUuid: string, switchName: string): LogicalSwitchRef | undefined {
    const rows = this.sources.get(switchName)?.logicalSwitches();
    if (!rows) return undefined;
    const byUuid = rows.get(nameOrUuid);
    if (byUuid) return { uuid: nameOrUuid, name: byUuid.name, tunnelKey: byUuid.tunnel_key };
    for (const [uuid, r] of rows) if (r.name === nameOrUuid) return { uuid, name: r.name, tunnelKey: r.tunnel_key };
    return undefined;
  }
}
