/**
 * The BGP FSM as a pure function: `step(state, event) → { state, actions }`.
 *
 * RFC 4271 §8.2.2 (states and transitions), §6.8 (connection collision) with the
 * RFC 6286 §2.3 tie-break, RFC 6608 (FSM error subcodes 5/1, 5/2, 5/3), RFC 9687 (send
 * hold timer), RFC 4486 (Cease subcodes), RFC 9003 (shutdown communication as data of
 * the Cease the caller passes in).
 *
 * One FSM per peer with two connection slots, `out` (we connected) and `in` (the peer
 * connected). Peer-wide events (start, stop, ConnectRetry, IdleHold) switch on the peer
 * state; connection events switch on that connection's state, then on the event.
 * Damping (§8.1.1 DampPeerOscillations): each failure doubles the IdleHoldTime up to a
 * ceiling; a session Established for `stableTime` forgets the count. A passive peer goes
 * back to Active at once (it never connects, so there is nothing to damp).
 * Left out: DelayOpen (§8.1.1), accepting a collision against an Established session.
 */
import { CeaseSubcode, ErrorCode } from '../wire/types.js';
import type { BgpMessage, NotificationMessage, OpenMessage } from '../wire/types.js';
import { buildOpen, checkOpen, collisionSurvivor } from './open.js';
import {
  OPEN_HOLD_TIME,
  type ConnRole,
  type Connection,
  type DownReason,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  type NotificationData,
  type SessionState,
  type StepResult,
  type TimerName,
} from './types.js';

/** RFC 6608 §3 FSM error subcodes. */
export const FsmSubcode = { UNEXPECTED_IN_OPENSENT: 1, UNEXPECTED_IN_OPENCONFIRM: 2, UNEXPECTED_IN_ESTABLISHED: 3 } as const;

/** RFC 9687 §4: max(8 minutes, 2 × HoldTime). */
export function sendHoldTime(holdTime: number): number {
  return Math.max(480, 2 * holdTime);
}

/** IdleHoldTime after `failures` consecutive failures: base × 2^(n-1), capped. */
export function idleHoldFor(cfg: FsmConfig, failures: number): number {
  const exp = Math.min(Math.max(failures - 1, 0), 20);
  return Math.min(cfg.idleHoldTime * 2 ** exp, cfg.idleHoldMax);
}

/** The event a driver feeds back when `timer` (of connection `conn`, for the per-connection ones) expires. */
export function timerExpiry(timer: TimerName, conn: ConnRole = 'out'): FsmEvent {
  switch (timer) {
    case 'ConnectRetry': return { type: 'ConnectRetryTimer_Expires' };
    case 'IdleHold': return { type: 'IdleHoldTimer_Expires' };
    case 'Stable': return { type: 'StableTimer_Expires' };
    case 'Hold': return { type: 'HoldTimer_Expires', conn };
    case 'Keepalive': return { type: 'KeepaliveTimer_Expires', conn };
    case 'SendHold': return { type: 'SendHoldTimer_Expires', conn };
  }
}

export function initialState(config: FsmConfig): FsmState {
  return { config, mode: 'Idle', started: false, failures: 0 };
}

const RANK: Record<SessionState, number> = { Idle: 0, Active: 1, Connect: 2, OpenSent: 3, OpenConfirm: 4, Established: 5 };

/** The RFC 4271 state of the peer: its most advanced connection, else the mode. */
export function sessionState(s: FsmState): SessionState {
  let best: SessionState = s.mode;
  for (const c of [s.out, s.in]) {
    if (c && RANK[c.state] > RANK[best]) best = c.state;
  }
  return best;
}

/** The Established connection, if any. */
export function establishedConn(s: FsmState): Connection | undefined {
  if (s.out?.state === 'Established') return s.out;
  if (s.in?.state === 'Established') return s.in;
  return undefined;
}

function notif(code: number, subcode: number, data: Buffer = Buffer.alloc(0)): NotificationData {
  return { code, subcode, data };
}

function notificationMessage(n: NotificationData): NotificationMessage {
  return { type: 'notification', code: n.code, subcode: n.subcode, data: n.data };
}

/** Mutable working copy for one step; `finish` freezes the result. */
class Step {
  readonly s: FsmState;
  readonly actions: FsmAction[] = [];

  constructor(prev: FsmState) {
    this.s = { ...prev };
    if (prev.out) this.s.out = { ...prev.out };
    if (prev.in) this.s.in = { ...prev.in };
  }

  get cfg(): FsmConfig {
    return this.s.config;
  }

  conn(role: ConnRole): Connection | undefined {
    return role === 'out' ? this.s.out : this.s.in;
  }

  setConn(role: ConnRole, c: Connection | undefined): void {
    if (role === 'out') this.s.out = c;
    else this.s.in = c;
  }

  other(role: ConnRole): Connection | undefined {
    return this.conn(role === 'out' ? 'in' : 'out');
  }

  act(a: FsmAction): void {
    this.actions.push(a);
  }

  send(conn: ConnRole, message: BgpMessage): void {
    this.act({ type: 'send', conn, message });
  }

  /** Sends our OPEN on a fresh TCP connection and waits for the peer's (§8.2.2 Connect/Active). */
  openConnection(role: ConnRole): void {
    this.setConn(role, { role, state: 'OpenSent' });
    this.act({ type: 'stop-timer', timer: 'ConnectRetry' });
    this.send(role, buildOpen(this.cfg));
    this.act({ type: 'start-timer', timer: 'Hold', conn: role, seconds: OPEN_HOLD_TIME });
  }

  /**
   * Ends one connection: NOTIFICATION first when given (always followed by close),
   * then close. When it was the last one, the peer falls back per `after`.
   */
  dropConn(role: ConnRole, reason: DownReason, sent: NotificationData | undefined, after: 'idle' | 'active' | 'stay'): void {
    const c = this.conn(role);
    if (!c) return;
    if (sent) this.send(role, notificationMessage(sent));
    this.act({ type: 'close', conn: role });
    this.setConn(role, undefined);
    if (c.state === 'Established') {
      this.act({ type: 'stop-timer', timer: 'Stable' });
      this.act({ type: 'down', reason });
    } else if (c.state !== 'Connect') {
      this.act({ type: 'error', conn: role, reason });
    }
    this.s.lastError = reason;
    if (this.s.out || this.s.in) return;
    if (after === 'idle') this.failed();
    else if (after === 'active') this.toActive();
  }

  /** An error we found: NOTIFICATION `n` on the connection, then drop it. */
  notifyAndDrop(role: ConnRole, n: NotificationData, after: 'idle' | 'stay' = 'idle'): void {
    this.dropConn(role, { kind: 'notification-sent', notification: n }, n, after);
  }

  /** No connection left after a failure: damp, then start again (§8.1.1). */
  failed(): void {
    this.s.failures += 1;
    if (this.cfg.passive) {
      this.s.mode = 'Active';
      return;
    }
    this.s.mode = 'Idle';
    this.act({ type: 'stop-timer', timer: 'ConnectRetry' });
    this.act({ type: 'start-timer', timer: 'IdleHold', seconds: idleHoldFor(this.cfg, this.s.failures) });
  }

  /** §8.2.2 OpenSent/TcpConnectionFails: listen, and connect again after ConnectRetry. */
  toActive(): void {
    this.s.mode = 'Active';
    if (!this.cfg.passive) this.act({ type: 'start-timer', timer: 'ConnectRetry', seconds: this.cfg.connectRetry });
  }

  /** §8.2.2 Idle/ManualStart, IdleHold expiry: connect, or wait for the peer when passive. */
  start(): void {
    if (this.cfg.passive) {
      this.s.mode = 'Active';
      return;
    }
    this.s.mode = 'Connect';
    this.s.out = { role: 'out', state: 'Connect' };
    this.act({ type: 'connect' });
    this.act({ type: 'start-timer', timer: 'ConnectRetry', seconds: this.cfg.connectRetry });
  }

  /** ManualStop / AutomaticStop: Cease on every connection past Connect, close all (RFC 4486). */
  stopAll(cease: NotificationData): void {
    const reason: DownReason = { kind: 'stopped', notification: cease };
    for (const role of ['out', 'in'] as const) {
      const c = this.conn(role);
      if (!c) continue;
      this.dropConn(role, reason, c.state === 'Connect' ? undefined : cease, 'stay');
    }
    this.act({ type: 'stop-timer', timer: 'ConnectRetry' });
    this.act({ type: 'stop-timer', timer: 'IdleHold' });
  }

  finish(): StepResult {
    return { state: this.s, actions: this.actions };
  }
}

/** Advances the FSM by one event. Never throws; events for absent connections are ignored. */
export function step(prev: FsmState, ev: FsmEvent): StepResult {
  const st = new Step(prev);
  switch (ev.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStop':
    case 'AutomaticStop':
    case 'ConnectRetryTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'StableTimer_Expires':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      peerEvent(st, ev);
      break;
    default:
      connEvent(st, ev);
  }
  return st.finish();
}

type PeerEvent = Extract<
  FsmEvent,
  { type: 'ManualStart' | 'AutomaticStart' | 'ManualStop' | 'AutomaticStop' | 'ConnectRetryTimer_Expires' | 'IdleHoldTimer_Expires' | 'StableTimer_Expires' | 'Tcp_CR_Acked' | 'TcpConnectionConfirmed' }
>;
type ConnEvent = Exclude<FsmEvent, PeerEvent>;

function peerEvent(st: Step, ev: PeerEvent): void {
  const s = st.s;
  switch (ev.type) {
    case 'ManualStart':
    case 'AutomaticStart':
      // §8.2.2: ignored in any state but Idle.
      s.started = true;
      if (sessionState(s) === 'Idle') {
        st.act({ type: 'stop-timer', timer: 'IdleHold' });
        st.start();
      }
      return;
    case 'ManualStop': {
      // §8.2.2 ManualStop: Cease, release everything, Idle, ConnectRetryCounter = 0.
      st.stopAll(notif(ErrorCode.CEASE, ev.subcode, ev.data));
      s.started = false;
      s.failures = 0;
      s.mode = 'Idle';
      return;
    }
    case 'AutomaticStop': {
      // §8.1.2 Event 8 (e.g. max prefixes): Cease, then start again after damping.
      st.stopAll(notif(ErrorCode.CEASE, ev.subcode, ev.data));
      s.mode = 'Idle';
      if (s.started) st.failed();
      return;
    }
    case 'IdleHoldTimer_Expires':
      if (sessionState(s) === 'Idle' && s.started) st.start();
      return;
    case 'StableTimer_Expires':
      if (establishedConn(s)) s.failures = 0;
      return;
    case 'ConnectRetryTimer_Expires': {
      const state = sessionState(s);
      switch (state) {
        case 'Connect':
          // §8.2.2 Connect: drop the attempt, connect again, restart the timer.
          st.act({ type: 'close', conn: 'out' });
          st.setConn('out', undefined);
          st.start();
          return;
        case 'Active':
          // §8.2.2 Active: try connecting ourselves.
          if (st.cfg.passive || !s.started) return;
          st.start();
          return;
        case 'Idle':
        case 'OpenSent':
        case 'OpenConfirm':
        case 'Established':
          return;
        default:
          return assertNever(state);
      }
    }
    case 'Tcp_CR_Acked':
      // Only meaningful while our attempt is pending (§8.2.2 Connect).
      if (s.out?.state === 'Connect') st.openConnection('out');
      return;
    case 'TcpConnectionConfirmed':
      incoming(st);
      return;
    default:
      assertNever(ev);
  }
}

/** A connection from the peer was accepted by the driver (§8.2.2, §6.8). */
function incoming(st: Step): void {
  const s = st.s;
  const state = sessionState(s);
  switch (state) {
    case 'Idle':
      // §8.2.2 Idle refuses connections; but a started peer waiting out its IdleHold takes
      // the peer's connection as a passive start (§8.1.1 PassiveTcpEstablishment), as FRR
      // does: two speakers that both back off would otherwise keep refusing each other.
      if (!s.started) {
        st.act({ type: 'reject-incoming', notification: notif(ErrorCode.CEASE, CeaseSubcode.CONNECTION_REJECTED) });
        return;
      }
      st.act({ type: 'stop-timer', timer: 'IdleHold' });
      s.mode = 'Active';
      st.openConnection('in');
      return;
    case 'Connect':
    case 'Active':
      // Our pending attempt is kept: both sides often connect at once, and dropping
      // either end would kill the other side's incoming connection too. The OPENs then
      // decide (§6.8).
      st.openConnection('in');
      return;
    case 'OpenSent':
    case 'OpenConfirm':
      // Keep both until an OPEN decides (§6.8); a third is refused.
      if (s.in) {
        st.act({ type: 'reject-incoming', notification: notif(ErrorCode.CEASE, CeaseSubcode.CONNECTION_REJECTED) });
        return;
      }
      st.openConnection('in');
      return;
    case 'Established':
      // §6.8 last paragraph: a collision with an Established session closes the new one.
      st.act({ type: 'reject-incoming', notification: notif(ErrorCode.CEASE, CeaseSubcode.COLLISION_RESOLUTION) });
      return;
    default:
      assertNever(state);
  }
}

function fsmError(state: 'OpenSent' | 'OpenConfirm' | 'Established'): NotificationData {
  const sub = state === 'OpenSent' ? FsmSubcode.UNEXPECTED_IN_OPENSENT
    : state === 'OpenConfirm' ? FsmSubcode.UNEXPECTED_IN_OPENCONFIRM
      : FsmSubcode.UNEXPECTED_IN_ESTABLISHED;
  return notif(ErrorCode.FSM, sub);
}

function connEvent(st: Step, ev: ConnEvent): void {
  const c = st.conn(ev.conn);
  if (!c) return; // stale event for a connection already gone
  const role = ev.conn;
  switch (c.state) {
    case 'Connect':
      // Our attempt failed before the TCP handshake completed (§8.2.2 Connect).
      if (ev.type === 'TcpConnectionFails') {
        st.act({ type: 'close', conn: role });
        st.setConn(role, undefined);
        st.s.lastError = { kind: 'connection-lost' };
        if (!st.other(role)) st.failed();
      }
      return;
    case 'OpenSent':
      openSent(st, c, ev);
      return;
    case 'OpenConfirm':
      openConfirm(st, c, ev);
      return;
    case 'Established':
      established(st, c, ev);
      return;
    default:
      assertNever(c.state);
  }
}

/** Events any post-TCP state handles alike (§8.2.2, RFC 9687). Returns true when handled. */
function common(st: Step, c: Connection, ev: ConnEvent): boolean {
  const role = c.role;
  switch (ev.type) {
    case 'TcpConnectionFails':
      // §8.2.2 OpenSent: back to Active; later states: Idle.
      st.dropConn(role, { kind: 'connection-lost' }, undefined, c.state === 'OpenSent' ? 'active' : 'idle');
      return true;
    case 'HoldTimer_Expires':
      st.dropConn(role, { kind: 'hold-timer-expired' }, notif(ErrorCode.HOLD_TIMER_EXPIRED, 0), 'idle');
      return true;
    case 'SendHoldTimer_Expires':
      // RFC 9687 §4: NOTIFICATION best effort, then close.
      st.dropConn(role, { kind: 'send-hold-timer-expired' }, notif(ErrorCode.SEND_HOLD_TIMER_EXPIRED, 0), 'idle');
      return true;
    case 'SendBlocked': {
      const hold = c.negotiated?.holdTime ?? OPEN_HOLD_TIME;
      st.act({ type: 'start-timer', timer: 'SendHold', conn: role, seconds: sendHoldTime(hold) });
      return true;
    }
    case 'SendDrained':
      st.act({ type: 'stop-timer', timer: 'SendHold', conn: role });
      return true;
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
    case 'UpdateMsgErr':
      st.notifyAndDrop(role, ev.error.notification);
      return true;
    case 'NotifMsgVerErr':
    case 'NotifMsg': {
      const n = notif(ev.message.code, ev.message.subcode, ev.message.data);
      const reason: DownReason = { kind: 'notification-received', notification: n };
      if (ev.type === 'NotifMsgVerErr' && c.state === 'OpenSent') {
        // §8.2.2 OpenSent/NotifMsgVerErr: Idle without counting a failure.
        st.dropConn(role, reason, undefined, 'stay');
        if (!st.s.out && !st.s.in) {
          if (st.cfg.passive) st.s.mode = 'Active';
          else {
            st.s.mode = 'Idle';
            st.act({ type: 'start-timer', timer: 'IdleHold', seconds: idleHoldFor(st.cfg, Math.max(st.s.failures, 1)) });
          }
        }
      } else {
        st.dropConn(role, reason, undefined, 'idle');
      }
      return true;
    }
    default:
      return false;
  }
}

function openSent(st: Step, c: Connection, ev: ConnEvent): void {
  if (common(st, c, ev)) return;
  switch (ev.type) {
    case 'BGPOpen':
      receiveOpen(st, c, ev.message);
      return;
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
    case 'KeepaliveTimer_Expires':
      // RFC 6608: unexpected message in OpenSent.
      st.notifyAndDrop(c.role, fsmError('OpenSent'));
      return;
    default:
      return assertHandled(ev);
  }
}

/** §8.2.2 OpenSent/BGPOpen: validate, resolve a collision (§6.8), reply KEEPALIVE. */
function receiveOpen(st: Step, c: Connection, open: OpenMessage): void {
  const role = c.role;
  const check = checkOpen(open, st.cfg);
  if (!check.ok) {
    st.notifyAndDrop(role, check.notification);
    return;
  }
  const neg = check.negotiated;
  const other = st.other(role);
  if (other && (other.state === 'OpenConfirm' || other.state === 'Established')) {
    const cease = notif(ErrorCode.CEASE, CeaseSubcode.COLLISION_RESOLUTION);
    // Against Established the new connection always loses (§6.8).
    const survivor = other.state === 'Established'
      ? other.role
      : collisionSurvivor({ id: st.cfg.routerId, as: st.cfg.localAs }, { id: neg.peerId, as: neg.peerAs });
    if (survivor !== role) {
      st.notifyAndDrop(role, cease, 'stay');
      return;
    }
    st.notifyAndDrop(other.role, cease, 'stay');
  }
  const next: Connection = { role, state: 'OpenConfirm', negotiated: neg };
  st.setConn(role, next);
  st.send(role, { type: 'keepalive' });
  if (neg.holdTime === 0) {
    st.act({ type: 'stop-timer', timer: 'Hold', conn: role });
  } else {
    st.act({ type: 'start-timer', timer: 'Hold', conn: role, seconds: neg.holdTime });
    st.act({ type: 'start-timer', timer: 'Keepalive', conn: role, seconds: neg.keepaliveTime });
  }
}

function openConfirm(st: Step, c: Connection, ev: ConnEvent): void {
  if (common(st, c, ev)) return;
  const neg = c.negotiated;
  switch (ev.type) {
    case 'KeepAliveMsg': {
      // §8.2.2 OpenConfirm/KeepAliveMsg: Established.
      if (!neg) return;
      st.setConn(c.role, { ...c, state: 'Established' });
      if (neg.holdTime > 0) st.act({ type: 'start-timer', timer: 'Hold', conn: c.role, seconds: neg.holdTime });
      st.act({ type: 'start-timer', timer: 'Stable', seconds: st.cfg.stableTime });
      st.act({ type: 'established', conn: c.role, negotiated: neg });
      return;
    }
    case 'KeepaliveTimer_Expires':
      keepalive(st, c);
      return;
    case 'BGPOpen':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      // RFC 6608: unexpected message in OpenConfirm.
      st.notifyAndDrop(c.role, fsmError('OpenConfirm'));
      return;
    default:
      return assertHandled(ev);
  }
}

function keepalive(st: Step, c: Connection): void {
  const neg = c.negotiated;
  if (!neg || neg.holdTime === 0) return;
  st.send(c.role, { type: 'keepalive' });
  st.act({ type: 'start-timer', timer: 'Keepalive', conn: c.role, seconds: neg.keepaliveTime });
}

function restartHold(st: Step, c: Connection): void {
  const hold = c.negotiated?.holdTime ?? 0;
  if (hold > 0) st.act({ type: 'start-timer', timer: 'Hold', conn: c.role, seconds: hold });
}

function established(st: Step, c: Connection, ev: ConnEvent): void {
  if (common(st, c, ev)) return;
  switch (ev.type) {
    case 'KeepAliveMsg':
      restartHold(st, c);
      return;
    case 'UpdateMsg':
      restartHold(st, c);
      st.act({ type: 'update', message: ev.message, errors: ev.errors });
      return;
    case 'RouteRefreshMsg':
      restartHold(st, c);
      st.act({ type: 'route-refresh', message: ev.message });
      return;
    case 'KeepaliveTimer_Expires':
      keepalive(st, c);
      return;
    case 'BGPOpen':
      // RFC 6608: unexpected message in Established.
      st.notifyAndDrop(c.role, fsmError('Established'));
      return;
    default:
      return assertHandled(ev);
  }
}

/** After `common`, only events it handles can remain: the compiler checks it. */
function assertHandled(ev: Extract<ConnEvent, { type: HandledByCommon }>): void {
  void ev;
}
type HandledByCommon =
  | 'TcpConnectionFails' | 'HoldTimer_Expires' | 'SendHoldTimer_Expires' | 'SendBlocked' | 'SendDrained'
  | 'BGPHeaderErr' | 'BGPOpenMsgErr' | 'UpdateMsgErr' | 'NotifMsgVerErr' | 'NotifMsg';

function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
