/**
 * What the REST read endpoints need from the running gateway. The daemon
 * implements `GatewayState` over the session driver, the EVPN RIB and the
 * VTEP switch drivers; the API only asks (the RIB's owner stays the source
 * of truth), and `VtepDirectory` resolves the names a connection refers to
 * in the hardware_vtep databases.
 */

/** One BGP session (GET /v2.0/bgp/peers). */
export interface PeerView {
  address: string;
  remote_as: number;
  /** RFC 4271 §8.2.2 state name: Idle, Connect, Active, OpenSent, OpenConfirm, Established */
  state: string;
  /** seconds in the current state */
  uptime: number;
  prefixes_received: number;
  prefixes_sent: number;
}

/** One EVPN route (GET /v2.0/evpn/routes). */
export interface RouteView {
  /** RFC 7432 route type: 2 MAC/IP advertisement, 3 inclusive multicast */
  type: 2 | 3;
  vni: number;
  rd: string;
  /** Ethernet tag ID (0 for VLAN-based service, RFC 7432 §6.1) */
  eth_tag?: number;
  mac?: string;
  /** type 2: the MAC+IP route's IP; type 3: the originating router's IP */
  ip?: string;
  next_hop: string;
  /** peer address, or "local" for originated routes */
  peer: string;
  best: boolean;
  /** a managed switch holds the row (Ucast_Macs_Remote, or the unknown-dst locator set); if not, why (e.g. "no-logical-switch") */
  installed: boolean;
  not_installed_reason?: string;
  route_targets: string[];
  mac_mobility_seq?: number;
}

/** Which routes to list: those of one EVI, of one type, or both; absent fields select all (the daemon's route table takes it as is). */
export interface RouteFilter {
  vni?: number;
  type?: 2 | 3;
}

/** One effective remote MAC on a switch with where it comes from. */
export interface EffectiveMac {
  mac: string;
  logical_switch: string;
  dst_ip: string;
  ipaddr?: string;
  source: 'bgp' | 'manual';
}

/** One managed VTEP switch (GET /v2.0/vteps). */
export interface VtepView {
  switch: string;
  ovsdb: string;
  connected: boolean;
  /** with `vteps[].lock` (active/standby): the lock, and whether this speaker holds it and so writes */
  lock?: { name: string; held: boolean };
  remote_macs: EffectiveMac[];
}

export interface GatewayState {
  peers(): PeerView[];
  routes(filter: RouteFilter): RouteView[];
  vteps(): VtepView[];
}

export interface SwitchRef {
  uuid: string;
  name: string;
}

export interface LogicalSwitchRef {
  uuid: string;
  name: string;
  /** the VNI, or null when the logical switch has none */
  tunnelKey: number | null;
}

/** Names in the hardware_vtep databases of the managed switches. */
export interface VtepDirectory {
  /** The managed Physical_Switch rows. */
  listSwitches(): SwitchRef[];
  /** A Logical_Switch by name or uuid, in the database of the managed switch `switchName`. */
  findLogicalSwitch(nameOrUuid: string, switchName: string): LogicalSwitchRef | undefined;
}
