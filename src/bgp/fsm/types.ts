/**
 * Types of the BGP finite state machine: configuration, states, events, actions.
 *
 * RFC 4271 §8 (FSM), RFC 6608 (FSM error subcodes), RFC 9687 (send hold timer),
 * RFC 4486 / RFC 9003 (Cease subcodes, shutdown communication).
 *
 * The FSM is one per peer and tracks up to two TCP connections (RFC 4271 §6.8): the
 * one we initiated (`out`) and the one the peer initiated (`in`). Timers are data:
 * the driver starts and stops them as the actions say and feeds expiries back.
 */
import type {
  BgpMessage,
  Capability,
  Family,
  NotificationMessage,
  OpenMessage,
  RouteRefreshMessage,
  UpdateMessage,
  WireError,
} from '../wire/types.js';

/** Who initiated the TCP connection (rustybgp "Role"). */
export type ConnRole = 'out' | 'in';

/** RFC 4271 §8.2.2 session states, as seen for the peer as a whole. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** The state of one TCP connection once it exists. */
export type ConnState = 'Connect' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** Peer-wide timers and per-connection timers (OpenBGPD `enum Timer`). */
export type PeerTimer = 'ConnectRetry' | 'IdleHold' | 'Stable';
export type ConnTimer = 'Hold' | 'Keepalive' | 'SendHold';
export type TimerName = PeerTimer | ConnTimer;

export interface GracefulRestartConfig {
  /** Seconds, 12 bits (RFC 4724 §3). */
  restartTime: number;
  /** F bit for every family we announce. */
  forwardingPreserved: boolean;
  /** R bit (RFC 4724 §4.1): set in every OPEN while the speaker restarts. */
  restarting?: boolean;
  /** N bit (RFC 8538 §2): a NOTIFICATION other than Hard Reset ends the session gracefully. */
  notification?: boolean;
}

export interface FsmConfig {
  localAs: number;
  remoteAs: number;
  /** Our BGP identifier as a uint32. */
  routerId: number;
  /** Proposed hold time: 0 or 3..65535 (RFC 4271 §4.2). */
  holdTime: number;
  /** ConnectRetryTime in seconds (RFC 4271 §10 suggests 120). */
  connectRetry: number;
  /** Never initiate a connection (RFC 4271 §8.1.1 PassiveTcpEstablishment). */
  passive: boolean;
  /** Families announced in multiprotocol capabilities (RFC 4760 §8). */
  families: Family[];
  gracefulRestart?: GracefulRestartConfig;
  /** First IdleHoldTime after a failure; doubles per consecutive failure (DampPeerOscillations, §8.1.1). */
  idleHoldTime: number;
  /** Ceiling of the doubled IdleHoldTime. */
  idleHoldMax: number;
  /** Established for this long forgets the failure count. */
  stableTime: number;
}

/** RFC 4271 §8.2.2: hold timer "large value" while waiting for OPEN (4 minutes suggested). */
export const OPEN_HOLD_TIME = 240;

/** What both OPENs agreed on (RFC 4271 §4.2, RFC 5492, RFC 4760, RFC 6793, RFC 4724). */
export interface Negotiated {
  peerAs: number;
  peerId: number;
  /** min(ours, theirs); 0 means no hold timer and no keepalives. */
  holdTime: number;
  keepaliveTime: number;
  /** Families both sides announced (implicitly ipv4/unicast when a side sent no MP capability). */
  families: Family[];
  /** Families we announced that the peer did not: not active on this session. */
  missingFamilies: Family[];
  fourOctetAs: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** The peer's graceful restart capability, when it sent one. */
  peerGracefulRestart?: Extract<Capability, { kind: 'graceful-restart' }>;
  peerOpen: OpenMessage;
}

export interface NotificationData {
  code: number;
  subcode: number;
  data: Buffer;
}

/** Why a session left Established, or why a connection attempt ended (visibility). */
export type DownReason =
  | { kind: 'notification-sent'; notification: NotificationData }
  | { kind: 'notification-received'; notification: NotificationData }
  | { kind: 'hold-timer-expired' }
  | { kind: 'send-hold-timer-expired' }
  | { kind: 'connection-lost' }
  | { kind: 'stopped'; notification: NotificationData };

/**
 * Events, named after RFC 4271 §8.1. Each line lists the RFC events it covers.
 * Left out: DelayOpen (events 12, 20) and the optional CollisionDetectEstablishedState
 * attribute; Tcp_CR_Invalid (15) is the driver refusing unconfigured addresses before
 * any event; OpenCollisionDump (23) is produced inside the FSM by collision resolution.
 */
export type FsmEvent =
  /** 1 ManualStart, 4 ManualStart_with_PassiveTcpEstablishment (passive comes from config) */
  | { type: 'ManualStart' }
  /** 3 AutomaticStart, 5 AutomaticStart_with_PassiveTcpEstablishment (e.g. on config load) */
  | { type: 'AutomaticStart' }
  /** 2 ManualStop: Cease with `subcode` (2 admin shutdown, 3 de-configured), RFC 4486 */
  | { type: 'ManualStop'; subcode: number; data?: Buffer }
  /** 8 AutomaticStop: Cease (1 max prefixes, 4 admin reset, 6 config change), restarts after IdleHold */
  | { type: 'AutomaticStop'; subcode: number; data?: Buffer }
  /** 9 */
  | { type: 'ConnectRetryTimer_Expires' }
  /** 13 IdleHoldTimer_Expires, which then acts as 3/5 AutomaticStart */
  | { type: 'IdleHoldTimer_Expires' }
  /** not in RFC 4271: the damping state (§8.1.1 DampPeerOscillations) is forgotten */
  | { type: 'StableTimer_Expires' }
  /** 10 */
  | { type: 'HoldTimer_Expires'; conn: ConnRole }
  /** 11 */
  | { type: 'KeepaliveTimer_Expires'; conn: ConnRole }
  /** RFC 9687 §3 SendHoldTimer_Expires */
  | { type: 'SendHoldTimer_Expires'; conn: ConnRole }
  /** RFC 9687: the driver could not write everything (starts SendHold) / all written (stops it) */
  | { type: 'SendBlocked'; conn: ConnRole }
  | { type: 'SendDrained'; conn: ConnRole }
  /** 16 Tcp_CR_Acked: our outgoing connection is up */
  | { type: 'Tcp_CR_Acked' }
  /** 14 TcpConnection_Valid + 17 TcpConnectionConfirmed: an accepted connection from the peer */
  | { type: 'TcpConnectionConfirmed' }
  /** 18 */
  | { type: 'TcpConnectionFails'; conn: ConnRole }
  /** 19 BGPOpen (the codec decoded it; the FSM validates it) */
  | { type: 'BGPOpen'; conn: ConnRole; message: OpenMessage }
  /** 21 BGPHeaderErr, 22 BGPOpenMsgErr, 28 UpdateMsgErr: decode error with its NOTIFICATION */
  | { type: 'BGPHeaderErr' | 'BGPOpenMsgErr' | 'UpdateMsgErr'; conn: ConnRole; error: WireError }
  /** 24 NotifMsgVerErr (code 2/1), 25 NotifMsg */
  | { type: 'NotifMsgVerErr' | 'NotifMsg'; conn: ConnRole; message: NotificationMessage }
  /** 26 */
  | { type: 'KeepAliveMsg'; conn: ConnRole }
  /** 27 UpdateMsg, with the non-fatal RFC 7606 errors of its decode */
  | { type: 'UpdateMsg'; conn: ConnRole; message: UpdateMessage; errors: WireError[] }
  /** RFC 2918 §4 / RFC 7313: not an RFC 4271 event; allowed in Established only */
  | { type: 'RouteRefreshMsg'; conn: ConnRole; message: RouteRefreshMessage };

export type FsmAction =
  /** Open the outgoing TCP connection (role `out`). */
  | { type: 'connect' }
  | { type: 'send'; conn: ConnRole; message: BgpMessage }
  /** Close after flushing what was sent; the connection's timers stop with it. */
  | { type: 'close'; conn: ConnRole }
  /** Refuse the connection just offered by TcpConnectionConfirmed, optionally with a NOTIFICATION. */
  | { type: 'reject-incoming'; notification?: NotificationData }
  /** (Re)starts the timer: a running one is restarted with the new value. */
  | { type: 'start-timer'; timer: TimerName; conn?: ConnRole; seconds: number }
  | { type: 'stop-timer'; timer: TimerName; conn?: ConnRole }
  | { type: 'established'; conn: ConnRole; negotiated: Negotiated }
  | { type: 'down'; reason: DownReason }
  /** A connection other than the Established one ended (visibility only). */
  | { type: 'error'; conn: ConnRole; reason: DownReason }
  | { type: 'update'; message: UpdateMessage; errors: WireError[] }
  | { type: 'route-refresh'; message: RouteRefreshMessage };

export interface Connection {
  role: ConnRole;
  state: ConnState;
  /** Set once the peer's OPEN was accepted. */
  negotiated?: Negotiated;
}

export interface FsmState {
  readonly config: FsmConfig;
  /** Where the peer is when no connection has progressed past Connect. */
  mode: 'Idle' | 'Connect' | 'Active';
  /** True between ManualStart and ManualStop. */
  started: boolean;
  out?: Connection;
  in?: Connection;
  /** Consecutive failures since the last stable session (backoff exponent). */
  failures: number;
  lastError?: DownReason;
}

export interface StepResult {
  state: FsmState;
  actions: FsmAction[];
}
