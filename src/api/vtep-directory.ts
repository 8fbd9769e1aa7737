/**
 * A `VtepDirectory` over hardware_vtep databases: a monitor (RFC 7047
 * §4.1.5) of the Physical_Switch and Logical_Switch names in each managed
 * switch's database, so lookups answer from the cache. Several databases
 * are searched in order; a Logical_Switch name found in more than one
 * resolves to the first.
 */
import type { OvsdbClient, Monitor } from '../vtep/ovsdb/client.js';
import type { OvsdbResult } from '../vtep/ovsdb/errors.js';
import { vtepSchema } from '../vtep/ovsdb/vtep-schema.js';
import type { VtepTables } from '../vtep/ovsdb/vtep-schema.js';
import type { LogicalSwitchRef, SwitchRef, VtepDirectory } from './state.js';

type Watched = Pick<VtepTables, 'Physical_Switch' | 'Logical_Switch'>;

interface Source {
  monitor: Monitor<Watched>;
  /** managed Physical_Switch names in this database */
  switches: ReadonlySet<string>;
}

export class OvsdbVtepDirectory implements VtepDirectory {
  private readonly sources: Source[] = [];

  /** Watch one hardware_vtep database whose managed switches are `switches`. */
  async add(client: OvsdbClient, switches: readonly string[], db = 'hardware_vtep'): Promise<OvsdbResult<void>> {
    const m = await client.monitor(db, vtepSchema, {
      Physical_Switch: { columns: ['name'] },
      Logical_Switch: { columns: ['name', 'tunnel_key'] },
    });
    if (!m.ok) return m;
    this.sources.push({ monitor: m.value, switches: new Set(switches) });
    return { ok: true, value: undefined };
  }

  listSwitches(): SwitchRef[] {
    const out: SwitchRef[] = [];
    for (const s of this.sources) {
      for (const [uuid, r] of s.monitor.rows('Physical_Switch')) if (s.switches.has(r.name)) out.push({ uuid, name: r.name });
    }
    return out;
  }

  findLogicalSwitch(nameOrUuid: string): LogicalSwitchRef | undefined {
    for (const s of this.sources) {
      const byUuid = s.monitor.get('Logical_Switch', nameOrUuid);
      if (byUuid) return { uuid: nameOrUuid, name: byUuid.name, tunnelKey: byUuid.tunnel_key };
    }
    for (const s of this.sources) {
      for (const [uuid, r] of s.monitor.rows('Logical_Switch')) if (r.name === nameOrUuid) return { uuid, name: r.name, tunnelKey: r.tunnel_key };
    }
    return undefined;
  }
}
