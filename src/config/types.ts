/**
 * The l2bgwd configuration as the rest of the daemon sees it: the YAML file of
 * DESIGN.md §4 with every default applied and every value checked. Key names
 * are the YAML key names, so the contract and the code read the same.
 *
 * Route distinguishers and route targets stay text (RFC 4364 §4.2 forms, see
 * values.ts); an EVI entry without rd / import_rts / export_rts uses the
 * automatic values, which the EVPN layer computes (DESIGN.md §2).
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ListenConfig {
  host: string;
  /** 0 binds a port chosen by the system. */
  port: number;
}

export interface PeerConfig {
  /** Canonical text: dotted IPv4, or the compressed lower-case IPv6 form. */
  address: string;
  remote_as: number;
  /** Remote port of outgoing connections. */
  port: number;
  /** Source address of outgoing connections (same family as `address`). */
  local_address?: string;
  /** true: never connect, only accept. */
  passive: boolean;
  /** Proposed hold time; inherits bgp.hold_time. 0 or 3..65535 (RFC 4271 §4.2). */
  hold_time: number;
  /** Exceeded: NOTIFICATION cease/1 (RFC 4486 §4). Absent: no limit. */
  max_prefixes?: number;
  graceful_restart: boolean;
}

export interface BgpConfig {
  /** Absent: no passive listening, only outgoing connections. */
  listen?: ListenConfig;
  hold_time: number;
  /** ConnectRetryTime in seconds (RFC 4271 §10). */
  connect_retry: number;
  peers: PeerConfig[];
}

export interface VtepConfig {
  /** Physical_Switch name in the hardware_vtep database. */
  switch: string;
  /** OVSDB remote: unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT. */
  ovsdb: string;
  /** PEM files for an ssl: remote (required there, refused elsewhere), as ovsdb-server's --private-key, --certificate and --ca-cert. */
  ssl?: VtepSslConfig;
  /** OVSDB lock (RFC 7047 §4.1.8) for active/standby: speakers sharing a switch name the same lock; only its holder writes. */
  lock?: string;
}

export interface VtepSslConfig {
  private_key: string;
  certificate: string;
  /** the CA that signed the switch's certificate */
  ca_cert: string;
}

export interface EviConfig {
  vni: number;
  /** Absent: automatic (DESIGN.md §2). */
  rd?: string;
  import_rts?: string[];
  export_rts?: string[];
}

export interface EvpnConfig {
  /** Every Logical_Switch with a tunnel_key is an EVI. */
  auto_vni: boolean;
  /** Explicit EVIs; they override the automatic values for their VNI. */
  vnis: EviConfig[];
}

export interface ApiConfig {
  listen: ListenConfig;
  /** File holding the bare admin token; default data_dir/admin.token. */
  token_file: string;
}

export interface Config {
  /** BGP identifier (RFC 6286), dotted IPv4, never 0.0.0.0. */
  router_id: string;
  local_as: number;
  bgp: BgpConfig;
  vteps: VtepConfig[];
  evpn: EvpnConfig;
  /** Absent: a managed ovsdb-server under data_dir. */
  config_db?: string;
  data_dir: string;
  /** Absent: no REST API. */
  api?: ApiConfig;
  log_level: LogLevel;
}

export const DEFAULTS = {
  hold_time: 90,
  connect_retry: 30,
  peer_port: 179,
  listen_host: '0.0.0.0',
  listen_port: 179,
  api_host: '127.0.0.1',
  api_port: 8080,
  passive: false,
  graceful_restart: true,
  auto_vni: true,
  data_dir: './var',
  token_file_name: 'admin.token',
  log_level: 'info',
} as const;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };
