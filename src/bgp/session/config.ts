/**
 * BGP configuration as the session layer takes it: DESIGN.md §4 `router_id`, `local_as`
 * and the `bgp` section, in camelCase. The YAML loader validates and maps onto these;
 * `toFsmConfig` fills the defaults.
 */
import { parseRouterId } from '../wire/ipv4.js';
import type { Family } from '../wire/types.js';
import { AFI, SAFI } from '../wire/types.js';
import type { FsmConfig } from '../fsm/types.js';

export interface ListenConfig {
  host: string;
  port: number;
}

export interface PeerConfig {
  /** Peer IP address: where we connect, and the only source accepted for this peer. */
  address: string;
  remoteAs: number;
  /** Remote port for outgoing connections (default 179). */
  port?: number;
  /** Source address of outgoing connections. */
  localAddress?: string;
  /** Never connect, only accept (default false). */
  passive?: boolean;
  /** 0 or 3..65535; default the `bgp.holdTime`. */
  holdTime?: number;
  /** Exceeded: NOTIFICATION Cease/1 (RFC 4486); enforced by the RIB, which calls the peer. */
  maxPrefixes?: number;
  /** Announce the graceful restart capability (RFC 4724). */
  gracefulRestart?: boolean;
}

export interface BgpConfig {
  /** Dotted-quad BGP identifier. */
  routerId: string;
  /** 1..4294967295 */
  localAs: number;
  /** Omitted: no passive listening. */
  listen?: ListenConfig;
  /** Default 90. */
  holdTime?: number;
  /** Seconds; default 30. */
  connectRetry?: number;
  peers: PeerConfig[];
}

/** Tuning with no place in the config file; tests shorten them. */
export interface SessionTiming {
  /** First idle hold after a failure, seconds (doubles per failure). */
  idleHoldTime: number;
  idleHoldMax: number;
  /** Seconds Established before the failure count is forgotten. */
  stableTime: number;
  /** Restart time announced in the graceful restart capability (RFC 4724 §3). */
  restartTime: number;
}

export const DEFAULT_HOLD_TIME = 90;
export const DEFAULT_CONNECT_RETRY = 30;
export const DEFAULT_PORT = 179;
export const DEFAULT_TIMING: SessionTiming = { idleHoldTime: 5, idleHoldMax: 300, stableTime: 300, restartTime: 120 };

/** The families every session announces (RFC 4760 multiprotocol capabilities). */
export const SPEAKER_FAMILIES: readonly Family[] = [
  { afi: AFI.IPV4, safi: SAFI.UNICAST },
  { afi: AFI.L2VPN, safi: SAFI.EVPN },
];

/** The R bit (RFC 4724 §4.1) is left clear: withRestarting sets it. */
export function toFsmConfig(bgp: Omit<BgpConfig, 'peers'>, peer: PeerConfig, timing: SessionTiming = DEFAULT_TIMING): FsmConfig {
  const cfg: FsmConfig = {
    localAs: bgp.localAs,
    remoteAs: peer.remoteAs,
    routerId: parseRouterId(bgp.routerId) ?? 0,
    holdTime: peer.holdTime ?? bgp.holdTime ?? DEFAULT_HOLD_TIME,
    connectRetry: bgp.connectRetry ?? DEFAULT_CONNECT_RETRY,
    passive: peer.passive ?? false,
    families: [...SPEAKER_FAMILIES],
    idleHoldTime: timing.idleHoldTime,
    idleHoldMax: timing.idleHoldMax,
    stableTime: timing.stableTime,
  };
  // RFC 4724 §3 F bit: the switch keeps forwarding on the rows we leave in place while l2bgwd restarts.
  // RFC 8538 N bit: the Cease we send when stopping is then graceful, and the peer keeps our routes.
  if (peer.gracefulRestart) cfg.gracefulRestart = { restartTime: timing.restartTime, forwardingPreserved: true, notification: true };
  return cfg;
}

/** The same FSM config with the R bit set or cleared (`restarting`: the speaker restarted and has not yet its peers' tables); sessions up keep their OPEN, the next ones carry it. */
export function withRestarting(cfg: FsmConfig, restarting: boolean): FsmConfig {
  if (!cfg.gracefulRestart || (cfg.gracefulRestart.restarting ?? false) === restarting) return cfg;
  return { ...cfg, gracefulRestart: { ...cfg.gracefulRestart, restarting } };
}

/** Fields whose change needs the session to be reset (RFC 4486 Cease 6 "other configuration change"). */
export function needsReset(a: PeerConfig, b: PeerConfig): boolean {
  return a.remoteAs !== b.remoteAs || (a.port ?? DEFAULT_PORT) !== (b.port ?? DEFAULT_PORT)
    || a.localAddress !== b.localAddress || (a.passive ?? false) !== (b.passive ?? false)
    || a.holdTime !== b.holdTime || (a.gracefulRestart ?? false) !== (b.gracefulRestart ?? false);
}
