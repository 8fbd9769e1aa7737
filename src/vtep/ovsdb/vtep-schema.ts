// Generated from the hardware_vtep 1.7.0 schema by src/vtep/ovsdb/codegen.ts; do not edit.
// Regenerate: OVSDB_CODEGEN_WRITE=1 npx vitest run test/vtep/ovsdb/codegen.test.ts
import type { SchemaDescriptor } from './codec/schema.js';

/** A row UUID (RFC 7047 §5.1), or a uuid-name inside one transaction. */
export type Uuid = string;

/** Global: root table; at most 1 row. */
export interface GlobalRow {
  managers: Uuid[]; // → Manager
  switches: Uuid[]; // → Physical_Switch
  other_config: Map<string, string>;
}

/** Physical_Switch: not a root table: rows without a strong reference are garbage collected; unique: (name). */
export interface PhysicalSwitchRow {
  ports: Uuid[]; // → Physical_Port
  name: string;
  description: string;
  management_ips: string[];
  tunnel_ips: string[];
  tunnels: Uuid[]; // → Tunnel
  other_config: Map<string, string>;
  switch_fault_status: string[]; // ephemeral
}

/** Physical_Port: not a root table: rows without a strong reference are garbage collected. */
export interface PhysicalPortRow {
  name: string;
  description: string;
  vlan_bindings: Map<number, Uuid>; // values → Logical_Switch
  acl_bindings: Map<number, Uuid>; // values → ACL
  vlan_stats: Map<number, Uuid>; // values → Logical_Binding_Stats, ephemeral
  other_config: Map<string, string>;
  port_fault_status: string[]; // ephemeral
}

/** Tunnel: not a root table: rows without a strong reference are garbage collected. */
export interface TunnelRow {
  local: Uuid; // → Physical_Locator
  remote: Uuid; // → Physical_Locator
  bfd_config_local: Map<string, string>;
  bfd_config_remote: Map<string, string>;
  bfd_params: Map<string, string>;
  bfd_status: Map<string, string>; // ephemeral
}

/** Logical_Binding_Stats: not a root table: rows without a strong reference are garbage collected. */
export interface LogicalBindingStatsRow {
  bytes_from_local: number; // ephemeral
  packets_from_local: number; // ephemeral
  bytes_to_local: number; // ephemeral
  packets_to_local: number; // ephemeral
}

/** Logical_Switch: root table; unique: (name). */
export interface LogicalSwitchRow {
  name: string;
  description: string;
  tunnel_key: number | null;
  replication_mode: "service_node" | "source_node" | null;
  other_config: Map<string, string>;
}

/** Ucast_Macs_Local: root table. */
export interface UcastMacsLocalRow {
  MAC: string;
  logical_switch: Uuid; // → Logical_Switch
  locator: Uuid; // → Physical_Locator
  ipaddr: string;
}

/** Ucast_Macs_Remote: root table. */
export interface UcastMacsRemoteRow {
  MAC: string;
  logical_switch: Uuid; // → Logical_Switch
  locator: Uuid; // → Physical_Locator
  ipaddr: string;
}

/** Mcast_Macs_Local: root table. */
export interface McastMacsLocalRow {
  MAC: string;
  logical_switch: Uuid; // → Logical_Switch
  locator_set: Uuid; // → Physical_Locator_Set
  ipaddr: string;
}

/** Mcast_Macs_Remote: root table. */
export interface McastMacsRemoteRow {
  MAC: string;
  logical_switch: Uuid; // → Logical_Switch
  locator_set: Uuid; // → Physical_Locator_Set
  ipaddr: string;
}

/** Logical_Router: root table; unique: (name). */
export interface LogicalRouterRow {
  name: string;
  description: string;
  switch_binding: Map<string, Uuid>; // values → Logical_Switch
  static_routes: Map<string, string>;
  acl_binding: Map<string, Uuid>; // values → ACL
  other_config: Map<string, string>;
  LR_fault_status: string[]; // ephemeral
}

/** Arp_Sources_Local: root table. */
export interface ArpSourcesLocalRow {
  src_mac: string;
  locator: Uuid; // → Physical_Locator
}

/** Arp_Sources_Remote: root table. */
export interface ArpSourcesRemoteRow {
  src_mac: string;
  locator: Uuid; // → Physical_Locator
}

/** Physical_Locator_Set: not a root table: rows without a strong reference are garbage collected. */
export interface PhysicalLocatorSetRow {
  locators: Uuid[]; // → Physical_Locator, at least 1, immutable
}

/** Physical_Locator: not a root table: rows without a strong reference are garbage collected; unique: (encapsulation_type, dst_ip, tunnel_key). */
export interface PhysicalLocatorRow {
  encapsulation_type: "vxlan_over_ipv4"; // immutable
  dst_ip: string; // immutable
  tunnel_key: number | null;
}

/** ACL_entry: root table. */
export interface ACLEntryRow {
  sequence: number;
  source_mac: string | null;
  dest_mac: string | null;
  ethertype: string | null;
  source_ip: string | null;
  source_mask: string | null;
  dest_ip: string | null;
  dest_mask: string | null;
  protocol: number | null;
  source_port_min: number | null;
  source_port_max: number | null;
  dest_port_min: number | null;
  dest_port_max: number | null;
  tcp_flags: number | null;
  tcp_flags_mask: number | null;
  icmp_code: number | null;
  icmp_type: number | null;
  direction: "ingress" | "egress";
  action: "permit" | "deny";
  acle_fault_status: string[]; // ephemeral
}

/** ACL: root table; unique: (acl_name). */
export interface ACLRow {
  acl_entries: Uuid[]; // → ACL_entry, at least 1
  acl_name: string;
  acl_fault_status: string[]; // ephemeral
}

/** Manager: not a root table: rows without a strong reference are garbage collected; unique: (target). */
export interface ManagerRow {
  target: string;
  max_backoff: number | null;
  inactivity_probe: number | null;
  other_config: Map<string, string>;
  is_connected: boolean; // ephemeral
  status: Map<string, string>; // ephemeral
}

/** Row interface by table name. */
export interface VtepTables {
  Global: GlobalRow;
  Physical_Switch: PhysicalSwitchRow;
  Physical_Port: PhysicalPortRow;
  Tunnel: TunnelRow;
  Logical_Binding_Stats: LogicalBindingStatsRow;
  Logical_Switch: LogicalSwitchRow;
  Ucast_Macs_Local: UcastMacsLocalRow;
  Ucast_Macs_Remote: UcastMacsRemoteRow;
  Mcast_Macs_Local: McastMacsLocalRow;
  Mcast_Macs_Remote: McastMacsRemoteRow;
  Logical_Router: LogicalRouterRow;
  Arp_Sources_Local: ArpSourcesLocalRow;
  Arp_Sources_Remote: ArpSourcesRemoteRow;
  Physical_Locator_Set: PhysicalLocatorSetRow;
  Physical_Locator: PhysicalLocatorRow;
  ACL_entry: ACLEntryRow;
  ACL: ACLRow;
  Manager: ManagerRow;
}

export type VtepTableName = keyof VtepTables;

/** Table names. */
export const VtepTable = {
  Global: 'Global',
  Physical_Switch: 'Physical_Switch',
  Physical_Port: 'Physical_Port',
  Tunnel: 'Tunnel',
  Logical_Binding_Stats: 'Logical_Binding_Stats',
  Logical_Switch: 'Logical_Switch',
  Ucast_Macs_Local: 'Ucast_Macs_Local',
  Ucast_Macs_Remote: 'Ucast_Macs_Remote',
  Mcast_Macs_Local: 'Mcast_Macs_Local',
  Mcast_Macs_Remote: 'Mcast_Macs_Remote',
  Logical_Router: 'Logical_Router',
  Arp_Sources_Local: 'Arp_Sources_Local',
  Arp_Sources_Remote: 'Arp_Sources_Remote',
  Physical_Locator_Set: 'Physical_Locator_Set',
  Physical_Locator: 'Physical_Locator',
  ACL_entry: 'ACL_entry',
  ACL: 'ACL',
  Manager: 'Manager',
} as const satisfies { [K in VtepTableName]: K };

/** Column names per table. */
export const VtepColumn = {
  Global: { managers: 'managers', switches: 'switches', other_config: 'other_config' },
  Physical_Switch: { ports: 'ports', name: 'name', description: 'description', management_ips: 'management_ips', tunnel_ips: 'tunnel_ips', tunnels: 'tunnels', other_config: 'other_config', switch_fault_status: 'switch_fault_status' },
  Physical_Port: { name: 'name', description: 'description', vlan_bindings: 'vlan_bindings', acl_bindings: 'acl_bindings', vlan_stats: 'vlan_stats', other_config: 'other_config', port_fault_status: 'port_fault_status' },
  Tunnel: { local: 'local', remote: 'remote', bfd_config_local: 'bfd_config_local', bfd_config_remote: 'bfd_config_remote', bfd_params: 'bfd_params', bfd_status: 'bfd_status' },
  Logical_Binding_Stats: { bytes_from_local: 'bytes_from_local', packets_from_local: 'packets_from_local', bytes_to_local: 'bytes_to_local', packets_to_local: 'packets_to_local' },
  Logical_Switch: { name: 'name', description: 'description', tunnel_key: 'tunnel_key', replication_mode: 'replication_mode', other_config: 'other_config' },
  Ucast_Macs_Local: { MAC: 'MAC', logical_switch: 'logical_switch', locator: 'locator', ipaddr: 'ipaddr' },
  Ucast_Macs_Remote: { MAC: 'MAC', logical_switch: 'logical_switch', locator: 'locator', ipaddr: 'ipaddr' },
  Mcast_Macs_Local: { MAC: 'MAC', logical_switch: 'logical_switch', locator_set: 'locator_set', ipaddr: 'ipaddr' },
  Mcast_Macs_Remote: { MAC: 'MAC', logical_switch: 'logical_switch', locator_set: 'locator_set', ipaddr: 'ipaddr' },
  Logical_Router: { name: 'name', description: 'description', switch_binding: 'switch_binding', static_routes: 'static_routes', acl_binding: 'acl_binding', other_config: 'other_config', LR_fault_status: 'LR_fault_status' },
  Arp_Sources_Local: { src_mac: 'src_mac', locator: 'locator' },
  Arp_Sources_Remote: { src_mac: 'src_mac', locator: 'locator' },
  Physical_Locator_Set: { locators: 'locators' },
  Physical_Locator: { encapsulation_type: 'encapsulation_type', dst_ip: 'dst_ip', tunnel_key: 'tunnel_key' },
  ACL_entry: { sequence: 'sequence', source_mac: 'source_mac', dest_mac: 'dest_mac', ethertype: 'ethertype', source_ip: 'source_ip', source_mask: 'source_mask', dest_ip: 'dest_ip', dest_mask: 'dest_mask', protocol: 'protocol', source_port_min: 'source_port_min', source_port_max: 'source_port_max', dest_port_min: 'dest_port_min', dest_port_max: 'dest_port_max', tcp_flags: 'tcp_flags', tcp_flags_mask: 'tcp_flags_mask', icmp_code: 'icmp_code', icmp_type: 'icmp_type', direction: 'direction', action: 'action', acle_fault_status: 'acle_fault_status' },
  ACL: { acl_entries: 'acl_entries', acl_name: 'acl_name', acl_fault_status: 'acl_fault_status' },
  Manager: { target: 'target', max_backoff: 'max_backoff', inactivity_probe: 'inactivity_probe', other_config: 'other_config', is_connected: 'is_connected', status: 'status' },
} as const satisfies { [T in VtepTableName]: { [C in keyof VtepTables[T]]: C } };

/** The hardware_vtep schema, typed by VtepTables. */
export const vtepSchema: SchemaDescriptor<VtepTables> = {
  name: "hardware_vtep",
  version: "1.7.0",
  tables: {
    Global: {
      isRoot: true,
      maxRows: 1,
      columns: {
        managers: { key: { type: "uuid", refTable: "Manager", refType: "strong" }, min: 0, max: Infinity },
        switches: { key: { type: "uuid", refTable: "Physical_Switch", refType: "strong" }, min: 0, max: Infinity },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Physical_Switch: {
      indexes: [["name"]],
      columns: {
        ports: { key: { type: "uuid", refTable: "Physical_Port", refType: "strong" }, min: 0, max: Infinity },
        name: { key: { type: "string" }, min: 1, max: 1 },
        description: { key: { type: "string" }, min: 1, max: 1 },
        management_ips: { key: { type: "string" }, min: 0, max: Infinity },
        tunnel_ips: { key: { type: "string" }, min: 0, max: Infinity },
        tunnels: { key: { type: "uuid", refTable: "Tunnel", refType: "strong" }, min: 0, max: Infinity },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        switch_fault_status: { key: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Physical_Port: {
      columns: {
        name: { key: { type: "string" }, min: 1, max: 1 },
        description: { key: { type: "string" }, min: 1, max: 1 },
        vlan_bindings: { key: { type: "integer", minInteger: 0, maxInteger: 4095 }, value: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 0, max: Infinity },
        acl_bindings: { key: { type: "integer", minInteger: 0, maxInteger: 4095 }, value: { type: "uuid", refTable: "ACL", refType: "strong" }, min: 0, max: Infinity },
        vlan_stats: { key: { type: "integer", minInteger: 0, maxInteger: 4095 }, value: { type: "uuid", refTable: "Logical_Binding_Stats", refType: "strong" }, min: 0, max: Infinity },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        port_fault_status: { key: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Tunnel: {
      columns: {
        local: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
        remote: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
        bfd_config_local: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        bfd_config_remote: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        bfd_params: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        bfd_status: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Logical_Binding_Stats: {
      columns: {
        bytes_from_local: { key: { type: "integer" }, min: 1, max: 1 },
        packets_from_local: { key: { type: "integer" }, min: 1, max: 1 },
        bytes_to_local: { key: { type: "integer" }, min: 1, max: 1 },
        packets_to_local: { key: { type: "integer" }, min: 1, max: 1 },
      },
    },
    Logical_Switch: {
      isRoot: true,
      indexes: [["name"]],
      columns: {
        name: { key: { type: "string" }, min: 1, max: 1 },
        description: { key: { type: "string" }, min: 1, max: 1 },
        tunnel_key: { key: { type: "integer" }, min: 0, max: 1 },
        replication_mode: { key: { type: "string", enum: ["service_node", "source_node"] }, min: 0, max: 1 },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Ucast_Macs_Local: {
      isRoot: true,
      columns: {
        MAC: { key: { type: "string" }, min: 1, max: 1 },
        logical_switch: { key: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 1, max: 1 },
        locator: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 1, max: 1 },
      },
    },
    Ucast_Macs_Remote: {
      isRoot: true,
      columns: {
        MAC: { key: { type: "string" }, min: 1, max: 1 },
        logical_switch: { key: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 1, max: 1 },
        locator: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 1, max: 1 },
      },
    },
    Mcast_Macs_Local: {
      isRoot: true,
      columns: {
        MAC: { key: { type: "string" }, min: 1, max: 1 },
        logical_switch: { key: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 1, max: 1 },
        locator_set: { key: { type: "uuid", refTable: "Physical_Locator_Set", refType: "strong" }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 1, max: 1 },
      },
    },
    Mcast_Macs_Remote: {
      isRoot: true,
      columns: {
        MAC: { key: { type: "string" }, min: 1, max: 1 },
        logical_switch: { key: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 1, max: 1 },
        locator_set: { key: { type: "uuid", refTable: "Physical_Locator_Set", refType: "strong" }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 1, max: 1 },
      },
    },
    Logical_Router: {
      isRoot: true,
      indexes: [["name"]],
      columns: {
        name: { key: { type: "string" }, min: 1, max: 1 },
        description: { key: { type: "string" }, min: 1, max: 1 },
        switch_binding: { key: { type: "string" }, value: { type: "uuid", refTable: "Logical_Switch", refType: "strong" }, min: 0, max: Infinity },
        static_routes: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        acl_binding: { key: { type: "string" }, value: { type: "uuid", refTable: "ACL", refType: "strong" }, min: 0, max: Infinity },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        LR_fault_status: { key: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Arp_Sources_Local: {
      isRoot: true,
      columns: {
        src_mac: { key: { type: "string" }, min: 1, max: 1 },
        locator: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
      },
    },
    Arp_Sources_Remote: {
      isRoot: true,
      columns: {
        src_mac: { key: { type: "string" }, min: 1, max: 1 },
        locator: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: 1 },
      },
    },
    Physical_Locator_Set: {
      columns: {
        locators: { key: { type: "uuid", refTable: "Physical_Locator", refType: "strong" }, min: 1, max: Infinity },
      },
    },
    Physical_Locator: {
      indexes: [["encapsulation_type", "dst_ip", "tunnel_key"]],
      columns: {
        encapsulation_type: { key: { type: "string", enum: ["vxlan_over_ipv4"] }, min: 1, max: 1 },
        dst_ip: { key: { type: "string" }, min: 1, max: 1 },
        tunnel_key: { key: { type: "integer" }, min: 0, max: 1 },
      },
    },
    ACL_entry: {
      isRoot: true,
      columns: {
        sequence: { key: { type: "integer" }, min: 1, max: 1 },
        source_mac: { key: { type: "string" }, min: 0, max: 1 },
        dest_mac: { key: { type: "string" }, min: 0, max: 1 },
        ethertype: { key: { type: "string" }, min: 0, max: 1 },
        source_ip: { key: { type: "string" }, min: 0, max: 1 },
        source_mask: { key: { type: "string" }, min: 0, max: 1 },
        dest_ip: { key: { type: "string" }, min: 0, max: 1 },
        dest_mask: { key: { type: "string" }, min: 0, max: 1 },
        protocol: { key: { type: "integer" }, min: 0, max: 1 },
        source_port_min: { key: { type: "integer" }, min: 0, max: 1 },
        source_port_max: { key: { type: "integer" }, min: 0, max: 1 },
        dest_port_min: { key: { type: "integer" }, min: 0, max: 1 },
        dest_port_max: { key: { type: "integer" }, min: 0, max: 1 },
        tcp_flags: { key: { type: "integer" }, min: 0, max: 1 },
        tcp_flags_mask: { key: { type: "integer" }, min: 0, max: 1 },
        icmp_code: { key: { type: "integer" }, min: 0, max: 1 },
        icmp_type: { key: { type: "integer" }, min: 0, max: 1 },
        direction: { key: { type: "string", enum: ["ingress", "egress"] }, min: 1, max: 1 },
        action: { key: { type: "string", enum: ["permit", "deny"] }, min: 1, max: 1 },
        acle_fault_status: { key: { type: "string" }, min: 0, max: Infinity },
      },
    },
    ACL: {
      isRoot: true,
      indexes: [["acl_name"]],
      columns: {
        acl_entries: { key: { type: "uuid", refTable: "ACL_entry", refType: "strong" }, min: 1, max: Infinity },
        acl_name: { key: { type: "string" }, min: 1, max: 1 },
        acl_fault_status: { key: { type: "string" }, min: 0, max: Infinity },
      },
    },
    Manager: {
      isRoot: false,
      indexes: [["target"]],
      columns: {
        target: { key: { type: "string" }, min: 1, max: 1 },
        max_backoff: { key: { type: "integer", minInteger: 1000 }, min: 0, max: 1 },
        inactivity_probe: { key: { type: "integer" }, min: 0, max: 1 },
        other_config: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
        is_connected: { key: { type: "boolean" }, min: 1, max: 1 },
        status: { key: { type: "string" }, value: { type: "string" }, min: 0, max: Infinity },
      },
    },
  },
};
