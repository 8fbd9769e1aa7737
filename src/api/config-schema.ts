// Generated from the L2bgw_Config 1.0.0 schema by src/vtep/ovsdb/codegen.ts; do not edit.
// Regenerate: OVSDB_CODEGEN_WRITE=1 npx vitest run test/api/config-schema.test.ts
import type { SchemaDescriptor } from '../vtep/ovsdb/codec/schema.js';

/** A row UUID (RFC 7047 §5.1), or a uuid-name inside one transaction. */
export type Uuid = string;

/** Remote_Gateway: root table; unique: (name). */
export interface RemoteGatewayRow {
  name: string;
  ipaddr: string;
}

/** Remote_Gateway_Connection: root table; unique: (l2_gateway_id, network_id, remote_gateway). */
export interface RemoteGatewayConnectionRow {
  l2_gateway: string;
  l2_gateway_id: string;
  network: string;
  network_id: string;
  remote_gateway: Uuid; // → Remote_Gateway
  segmentation_id: number;
  network_type: "vxlan";
  flood: boolean;
}

/** Remote_Mac: root table; unique: (mac, connection). */
export interface RemoteMacRow {
  mac: string;
  ipaddr: string | null;
  connection: Uuid; // → Remote_Gateway_Connection
}

/** Row interface by table name. */
export interface ConfigTables {
  Remote_Gateway: RemoteGatewayRow;
  Remote_Gateway_Connection: RemoteGatewayConnectionRow;
  Remote_Mac: RemoteMacRow;
}

export type ConfigTableName = keyof ConfigTables;

/** Table names. */
export const ConfigTable = {
  Remote_Gateway: 'Remote_Gateway',
  Remote_Gateway_Connection: 'Remote_Gateway_Connection',
  Remote_Mac: 'Remote_Mac',
} as const satisfies { [K in ConfigTableName]: K };

/** Column names per table. */
export const ConfigColumn = {
  Remote_Gateway: { name: 'name', ipaddr: 'ipaddr' },
  Remote_Gateway_Connection: { l2_gateway: 'l2_gateway', l2_gateway_id: 'l2_gateway_id', network: 'network', network_id: 'network_id', remote_gateway: 'remote_gateway', segmentation_id: 'segmentation_id', network_type: 'network_type', flood: 'flood' },
  Remote_Mac: { mac: 'mac', ipaddr: 'ipaddr', connection: 'connection' },
} as const satisfies { [T in ConfigTableName]: { [C in keyof ConfigTables[T]]: C } };

/** The L2bgw_Config schema, typed by ConfigTables. */
export const configSchema: SchemaDescriptor<ConfigTables> = {
  name: "L2bgw_Config",
  version: "1.0.0",
  tables: {
    Remote_Gateway: {
      isRoot: true,
      indexes: [["name"]],
      columns: {
        name: { key: { type: "string", minLength: 1, maxLength: 255 }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 1, max: 1 },
      },
    },
    Remote_Gateway_Connection: {
      isRoot: true,
      indexes: [["l2_gateway_id", "network_id", "remote_gateway"]],
      columns: {
        l2_gateway: { key: { type: "string" }, min: 1, max: 1 },
        l2_gateway_id: { key: { type: "string" }, min: 1, max: 1 },
        network: { key: { type: "string" }, min: 1, max: 1 },
        network_id: { key: { type: "string" }, min: 1, max: 1 },
        remote_gateway: { key: { type: "uuid", refTable: "Remote_Gateway", refType: "strong" }, min: 1, max: 1 },
        segmentation_id: { key: { type: "integer", minInteger: 1, maxInteger: 16777215 }, min: 1, max: 1 },
        network_type: { key: { type: "string", enum: ["vxlan"] }, min: 1, max: 1 },
        flood: { key: { type: "boolean" }, min: 1, max: 1 },
      },
    },
    Remote_Mac: {
      isRoot: true,
      indexes: [["mac", "connection"]],
      columns: {
        mac: { key: { type: "string" }, min: 1, max: 1 },
        ipaddr: { key: { type: "string" }, min: 0, max: 1 },
        connection: { key: { type: "uuid", refTable: "Remote_Gateway_Connection", refType: "strong" }, min: 1, max: 1 },
      },
    },
  },
};
