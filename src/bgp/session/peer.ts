/**
 * One configured peer: its FSM state, its mailbox, its sockets and timers.
 *
 * The pure FSM (src/bgp/fsm) decides; this driver executes the actions (connect, send,
 * close, timers) and feeds back socket events, decoded messages and timer expiries.
 * Events go through one mailbox per peer and are handled one at a time, in order; frames
 * are decoded when their turn comes, with the codec context of that moment (RFC 6793
 * 4-octet AS is known only once the OPENs are exchanged).
 *
 * RFC 4271 §8 (driver side), RFC 9687 (send blocked / drained), RFC 4486 Cease data for
 * max prefixes, RFC 9003 shutdown communication (logged with control characters escaped).
 */
import { Socket } from 'node:net';
import type { Logger } from 'pino';
import { BgpFramer } from '../wire/framer.js';
import { carriesShutdownCommunication, decodeMessage, decodeShutdownCommunication, describeNotification, encodeMessage } from '../wire/message.js';
import { OpenSubcode } from '../wire/errors.js';
import { CeaseSubcode, ErrorCode } from '../wire/types.js';
import type { BgpMessage, CodecContext, Family, UpdateMessage, WireError } from '../wire/types.js';
import { establishedConn as fsmEstablishedConn, initialState, sessionState, step, timerExpiry } from '../fsm/fsm.js';
import type {
  ConnRole,
  DownReason,
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmState,
  Negotiated,
  NotificationData,
  SessionState,
  TimerName,
} from '../fsm/types.js';
import { DEFAULT_PORT, withRestarting } from './config.js';
import type { PeerConfig } from './config.js';

/** What the peer reports to its speaker (which re-emits it to the layers above). */
export interface PeerListener {
  established(peer: Peer, negotiated: Negotiated): void;
  update(peer: Peer, update: UpdateMessage, errors: WireError[]): void;
  routeRefresh(peer: Peer, family: Family, subtype: number): void;
  down(peer: Peer, reason: DownReason): void;
  stateChange(peer: Peer, from: SessionState, to: SessionState): void;
}

export interface MessageCounters {
  open: number;
  update: number;
  notification: number;
  keepalive: number;
  routeRefresh: number;
  total: number;
}

export interface PeerSnapshot {
  address: string;
  remoteAs: number;
  state: SessionState;
  /** Seconds since Established, when Established. */
  uptime?: number;
  /** Human-readable last error, when there was one. */
  lastError?: string;
  lastErrorReason?: DownReason;
  messagesIn: MessageCounters;
  messagesOut: MessageCounters;
  /** What the session agreed (fsm Negotiated), the peer's graceful restart reduced to a flag. */
  negotiated?: Pick<Negotiated, 'holdTime' | 'keepaliveTime' | 'families' | 'missingFamilies' | 'fourOctetAs' | 'routeRefresh' | 'enhancedRouteRefresh' | 'peerId'> & {
    peerGracefulRestart: boolean;
  };
  connections: number;
}

type MailItem =
  | { kind: 'event'; event: FsmEvent }
  | { kind: 'frame'; conn: Conn; frame: Buffer }
  | { kind: 'wire-error'; conn: Conn; error: WireError }
  | { kind: 'incoming'; socket: Socket }
  | { kind: 'reconfigure'; config: FsmConfig; peer: PeerConfig }
  | { kind: 'call'; fn: () => void };

interface Conn {
  role: ConnRole;
  socket: Socket;
  ctx: CodecContext;
  framer: BgpFramer;
  timers: Map<TimerName, NodeJS.Timeout>;
  blocked: boolean;
  dead: boolean;
}

const CLOSE_GRACE_MS = 1000;

function counters(): MessageCounters {
  return { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0, total: 0 };
}

function count(c: MessageCounters, m: BgpMessage): void {
  c.total += 1;
  switch (m.type) {
    case 'open': c.open += 1; break;
    case 'update': c.update += 1; break;
    case 'notification': c.notification += 1; break;
    case 'keepalive': c.keepalive += 1; break;
    case 'route-refresh': c.routeRefresh += 1; break;
  }
}

/** Renders a received or sent NOTIFICATION for logs and snapshots. */
export function describeReason(r: DownReason): string {
  switch (r.kind) {
    case 'hold-timer-expired': return 'hold timer expired';
    case 'send-hold-timer-expired': return 'send hold timer expired';
    case 'connection-lost': return 'connection lost';
    case 'notification-sent':
    case 'notification-received':
    case 'stopped': {
      const dir = r.kind === 'notification-received' ? 'received' : 'sent';
      return `${dir} ${describeNotificationData(r.notification)}`;
    }
  }
}

function describeNotificationData(n: NotificationData): string {
  // RFC 8538 §3: a Hard Reset carries the NOTIFICATION it stands for.
  if (n.code === ErrorCode.CEASE && n.subcode === CeaseSubcode.HARD_RESET && n.data.length >= 2) {
    return `${describeNotification(n.code, n.subcode)} (${n.code}/${n.subcode}) for ${describeNotificationData({ code: n.data[0], subcode: n.data[1], data: n.data.subarray(2) })}`;
  }
  let text = `${describeNotification(n.code, n.subcode)} (${n.code}/${n.subcode})`;
  // RFC 9003 §2: shutdown communication on admin shutdown / reset.
  if (carriesShutdownCommunication(n.code, n.subcode) && n.data.length > 0) {
    // Escaped by the codec (RFC 9003 §5: the text is untrusted).
    const comm = decodeShutdownCommunication(n.data);
    if ('text' in comm) {
      if (comm.text) text += `: "${comm.text}"`;
    } else text += ` (malformed shutdown communication: ${comm.error})`;
  }
  return text;
}

/**
 * Cease subcodes after which the peer must drop our routes even though the session
 * agreed on the N bit: they go out as Hard Reset (RFC 8538 §3, suggestions of §5).
 * Administrative Shutdown is not among them: l2bgwd sends it when it stops, leaving
 * its switch rows forwarding, which is the graceful restart the N bit is for.
 */
const HARD_RESET_CEASES: ReadonlySet<number> = new Set([CeaseSubcode.MAX_PREFIXES, CeaseSubcode.PEER_DECONFIGURED]);

/** Both OPENs of the Established session carried the N bit (RFC 8538 §2). */
function notificationNegotiated(fsm: FsmState): boolean {
  const neg = fsmEstablishedConn(fsm)?.negotiated;
  return fsm.config.gracefulRestart?.notification === true && neg?.peerGracefulRestart?.notification === true;
}

/** A Cease that must end graceful restart, wrapped in a Hard Reset when N was negotiated. */
function hardResetIfNeeded(fsm: FsmState, ev: FsmEvent): FsmEvent {
  if ((ev.type !== 'ManualStop' && ev.type !== 'AutomaticStop') || !HARD_RESET_CEASES.has(ev.subcode) || !notificationNegotiated(fsm)) return ev;
  const data = Buffer.concat([Buffer.from([ErrorCode.CEASE, ev.subcode]), ev.data ?? Buffer.alloc(0)]);
  return { ...ev, subcode: CeaseSubcode.HARD_RESET, data };
}

export class Peer {
  private fsm: FsmState;
  private readonly mailbox: MailItem[] = [];
  private draining = false;
  private readonly conns: { out?: Conn; in?: Conn } = {};
  private readonly peerTimers = new Map<TimerName, NodeJS.Timeout>();
  private establishedAt: number | undefined;
  private agreedNotification = false;
  private readonly msgIn = counters();
  private readonly msgOut = counters();
  private closeWaiters: Array<() => void> = [];
  private readonly closing = new Set<Socket>();

  constructor(
    public config: PeerConfig,
    fsmConfig: FsmConfig,
    private readonly listener: PeerListener,
    private readonly log?: Logger,
  ) {
    this.fsm = initialState(fsmConfig);
  }

  get address(): string {
    return this.config.address;
  }

  get state(): SessionState {
    return sessionState(this.fsm);
  }

  /**
   * Whether the Established session, or once it is down the last one, agreed on
   * the N bit (RFC 8538 §2): read when it goes down to tell a graceful end.
   */
  get notificationAgreed(): boolean {
    return this.agreedNotification;
  }

  start(): void {
    this.post({ kind: 'event', event: { type: 'AutomaticStart' } });
  }

  /** Administrative shutdown or de-configuration: Cease with `subcode`, then Idle until started. */
  stop(subcode: number, data?: Buffer): Promise<void> {
    const done = this.whenClosed();
    this.post({ kind: 'event', event: { type: 'ManualStop', subcode, data } });
    return done;
  }

  /** Cease and start again after the idle hold (admin reset 6/4, config change 6/6). */
  reset(subcode: number = CeaseSubcode.ADMIN_RESET, data?: Buffer): void {
    this.post({ kind: 'event', event: { type: 'AutomaticStop', subcode, data } });
  }

  /**
   * An UPDATE the layer above found malformed beyond treat-as-withdraw (RFC 7606 §5.3,
   * e.g. broken NLRI framing): NOTIFICATION with the error's code, and close.
   */
  updateError(error: WireError): void {
    this.post({
      kind: 'call',
      fn: () => {
        const conn = this.establishedConn();
        if (conn) this.run({ type: 'UpdateMsgErr', conn: conn.role, error });
      },
    });
  }

  /**
   * RFC 4486 §4: Cease/1 with AFI (2), SAFI (1) and the prefix limit (4 octets), then
   * close; the session comes back after the damped idle hold.
   */
  maxPrefixesExceeded(family: Family, limit: number): void {
    const data = Buffer.alloc(7);
    data.writeUInt16BE(family.afi, 0);
    data.writeUInt8(family.safi, 2);
    data.writeUInt32BE(limit >>> 0, 3);
    this.log?.warn({ peer: this.address, afi: family.afi, safi: family.safi, limit }, 'maximum prefixes exceeded');
    this.reset(CeaseSubcode.MAX_PREFIXES, data);
  }

  /** Accepts an incoming connection already matched to this peer's address. */
  offer(socket: Socket): void {
    this.post({ kind: 'incoming', socket });
  }

  /** Swaps in a new configuration; `fsmConfig` given means the session must restart on it. */
  reconfigure(peer: PeerConfig, fsmConfig?: FsmConfig): void {
    if (!fsmConfig) {
      this.config = peer;
      return;
    }
    this.post({ kind: 'reconfigure', config: fsmConfig, peer });
  }

  /**
   * RFC 4724 §4.1: the R bit of the OPENs this peer sends from now on. A session already
   * up is left alone (its OPEN is history); the next connection carries the new value.
   */
  setRestarting(restarting: boolean): void {
    this.post({ kind: 'call', fn: () => { this.fsm = { ...this.fsm, config: withRestarting(this.fsm.config, restarting) }; } });
  }

  /**
   * Sends UPDATEs on the Established connection, corked into one socket write.
   * Returns false when the session is not Established (nothing is sent).
   */
  sendUpdates(updates: UpdateMessage[]): boolean {
    const conn = this.establishedConn();
    if (!conn) return false;
    conn.socket.cork();
    for (const u of updates) this.write(conn, u);
    conn.socket.uncork();
    return true;
  }

  snapshot(now: number = Date.now()): PeerSnapshot {
    const snap: PeerSnapshot = {
      address: this.address,
      remoteAs: this.config.remoteAs,
      state: this.state,
      messagesIn: { ...this.msgIn },
      messagesOut: { ...this.msgOut },
      connections: (this.conns.out ? 1 : 0) + (this.conns.in ? 1 : 0),
    };
    if (this.establishedAt !== undefined) snap.uptime = Math.floor((now - this.establishedAt) / 1000);
    if (this.fsm.lastError) {
      snap.lastError = describeReason(this.fsm.lastError);
      snap.lastErrorReason = this.fsm.lastError;
    }
    const n = fsmEstablishedConn(this.fsm)?.negotiated;
    if (n) {
      snap.negotiated = {
        holdTime: n.holdTime,
        keepaliveTime: n.keepaliveTime,
        families: n.families,
        missingFamilies: n.missingFamilies,
        fourOctetAs: n.fourOctetAs,
        routeRefresh: n.routeRefresh,
        enhancedRouteRefresh: n.enhancedRouteRefresh,
        peerId: n.peerId,
        peerGracefulRestart: n.peerGracefulRestart !== undefined,
      };
    }
    return snap;
  }

  /** Resolves once no socket of this peer is open (immediately when none is). */
  whenClosed(): Promise<void> {
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      this.post({ kind: 'call', fn: () => this.checkClosed() });
    });
  }

  /** Drops everything at once: sockets destroyed, timers cleared (speaker teardown). */
  destroy(): void {
    for (const t of this.peerTimers.values()) clearTimeout(t);
    this.peerTimers.clear();
    for (const role of ['out', 'in'] as const) {
      const c = this.conns[role];
      if (c) this.dropConn(c, true);
    }
    for (const s of this.closing) s.destroy();
    this.mailbox.length = 0;
  }

  // ------------------------------------------------------------------ mailbox

  private post(item: MailItem): void {
    this.mailbox.push(item);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.mailbox.shift(); next; next = this.mailbox.shift()) {
        try {
          this.handle(next);
        } catch (err) {
          // A throwing listener of the layers above must not stall this peer's mailbox.
          this.log?.error({ peer: this.address, err: err instanceof Error ? err.message : String(err) }, 'bgp peer event handling failed');
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private handle(item: MailItem): void {
    switch (item.kind) {
      case 'event':
        this.run(hardResetIfNeeded(this.fsm, item.event));
        return;
      case 'frame':
        if (this.conns[item.conn.role] === item.conn && !item.conn.dead) this.onFrame(item.conn, item.frame);
        return;
      case 'wire-error':
        if (this.conns[item.conn.role] === item.conn && !item.conn.dead) {
          this.run({ type: 'BGPHeaderErr', conn: item.conn.role, error: item.error });
        }
        return;
      case 'incoming':
        this.run({ type: 'TcpConnectionConfirmed' }, item.socket);
        return;
      case 'reconfigure':
        this.run({ type: 'ManualStop', subcode: CeaseSubcode.OTHER_CONFIG_CHANGE });
        this.fsm = initialState(item.config);
        this.config = item.peer;
        this.run({ type: 'AutomaticStart' });
        return;
      case 'call':
        item.fn();
        return;
    }
  }

  /** One FSM step and its actions; `offered` is the socket of a TcpConnectionConfirmed. */
  private run(event: FsmEvent, offered?: Socket): void {
    const before = this.state;
    const hadIn = this.fsm.in !== undefined;
    const r = step(this.fsm, event);
    this.fsm = r.state;
    let consumed = false;
    // The FSM opened the `in` slot for the offered socket: bind it before its OPEN is sent.
    if (offered && !hadIn && this.fsm.in) {
      consumed = true;
      this.bind('in', offered);
    }
    // The codec context follows the negotiation before any action runs: an `established`
    // listener may send UPDATEs at once (RFC 6793 decides the AS_PATH encoding).
    for (const role of ['out', 'in'] as const) {
      const c = this.conns[role];
      const neg = this.fsm[role]?.negotiated;
      if (c && neg) c.ctx.fourOctetAs = neg.fourOctetAs;
    }
    for (const a of r.actions) {
      if (a.type === 'reject-incoming' && offered) {
        consumed = true;
        this.reject(offered, a.notification);
        continue;
      }
      this.execute(a);
    }
    if (offered && !consumed) offered.destroy();
    const after = this.state;
    if (after !== before) {
      this.log?.debug({ peer: this.address, from: before, to: after, event: event.type }, 'bgp state change');
      this.listener.stateChange(this, before, after);
    }
    this.checkClosed();
  }

  private execute(a: FsmAction): void {
    switch (a.type) {
      case 'connect':
        this.connect();
        return;
      case 'send': {
        const c = this.conns[a.conn];
        if (c && !c.dead) this.write(c, a.message);
        return;
      }
      case 'close': {
        const c = this.conns[a.conn];
        if (c) this.dropConn(c, false);
        return;
      }
      case 'reject-incoming':
        return; // handled in run(): only meaningful with the offered socket
      case 'start-timer':
        this.startTimer(a.timer, a.conn, a.seconds);
        return;
      case 'stop-timer': {
        const map = a.conn ? this.conns[a.conn]?.timers : this.peerTimers;
        const t = map?.get(a.timer);
        if (t) clearTimeout(t);
        map?.delete(a.timer);
        return;
      }
      case 'established':
        this.establishedAt = Date.now();
        this.agreedNotification = notificationNegotiated(this.fsm);
        this.log?.info({ peer: this.address, holdTime: a.negotiated.holdTime, families: a.negotiated.families }, 'bgp session established');
        this.listener.established(this, a.negotiated);
        return;
      case 'down':
        this.establishedAt = undefined;
        this.log?.info({ peer: this.address, reason: describeReason(a.reason) }, 'bgp session down');
        this.listener.down(this, a.reason);
        return;
      case 'error':
        this.log?.debug({ peer: this.address, conn: a.conn, reason: describeReason(a.reason) }, 'bgp connection closed');
        return;
      case 'update':
        this.listener.update(this, a.message, a.errors);
        return;
      case 'route-refresh':
        this.listener.routeRefresh(this, { afi: a.message.afi, safi: a.message.safi }, a.message.subtype);
        return;
      default: {
        const never: never = a;
        return never;
      }
    }
  }

  // ------------------------------------------------------------------ sockets

  private connect(): void {
    const socket = new Socket();
    const conn = this.bind('out', socket);
    socket.once('connect', () => {
      if (this.conns.out === conn && !conn.dead) this.post({ kind: 'event', event: { type: 'Tcp_CR_Acked' } });
    });
    socket.connect({ host: this.address, port: this.config.port ?? DEFAULT_PORT, localAddress: this.config.localAddress });
  }

  private bind(role: ConnRole, socket: Socket): Conn {
    const conn: Conn = { role, socket, ctx: { fourOctetAs: false }, framer: new BgpFramer(), timers: new Map(), blocked: false, dead: false };
    this.conns[role] = conn;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (conn.dead) return;
      const { frames, error } = conn.framer.push(chunk);
      for (const frame of frames) this.post({ kind: 'frame', conn, frame });
      if (error) this.post({ kind: 'wire-error', conn, error });
    });
    socket.on('drain', () => {
      if (conn.blocked && !conn.dead) {
        conn.blocked = false;
        this.post({ kind: 'event', event: { type: 'SendDrained', conn: role } });
      }
    });
    socket.on('error', (err) => {
      this.log?.debug({ peer: this.address, conn: role, err: err.message }, 'bgp socket error');
    });
    socket.on('close', () => {
      if (!conn.dead && this.conns[role] === conn) this.post({ kind: 'event', event: { type: 'TcpConnectionFails', conn: role } });
      else this.post({ kind: 'call', fn: () => this.checkClosed() });
    });
    return conn;
  }

  private reject(socket: Socket, n: NotificationData | undefined): void {
    this.log?.debug({ peer: this.address, notification: n && `${n.code}/${n.subcode}` }, 'bgp connection refused');
    if (n) {
      socket.on('error', () => undefined);
      socket.end(encodeMessage({ type: 'notification', code: n.code, subcode: n.subcode, data: n.data }, { fourOctetAs: false }));
      this.linger(socket);
    } else {
      socket.destroy();
    }
  }

  /** Lets a closing socket flush; destroyed after a grace period; tracked for whenClosed(). */
  private linger(socket: Socket): void {
    if (socket.destroyed) return;
    this.closing.add(socket);
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.closing.delete(socket);
      this.post({ kind: 'call', fn: () => this.checkClosed() });
    });
  }

  private dropConn(conn: Conn, hard: boolean): void {
    conn.dead = true;
    for (const t of conn.timers.values()) clearTimeout(t);
    conn.timers.clear();
    if (this.conns[conn.role] === conn) delete this.conns[conn.role];
    if (hard || conn.socket.connecting) {
      conn.socket.destroy();
      return;
    }
    // Flush what was queued (a NOTIFICATION), then close; do not wait for the peer forever.
    conn.socket.end();
    this.linger(conn.socket);
  }

  private write(conn: Conn, m: BgpMessage): void {
    count(this.msgOut, m);
    const ok = conn.socket.write(encodeMessage(m, conn.ctx));
    if (!ok && !conn.blocked) {
      // RFC 9687: the send hold timer runs while data waits.
      conn.blocked = true;
      this.post({ kind: 'event', event: { type: 'SendBlocked', conn: conn.role } });
    }
  }

  private establishedConn(): Conn | undefined {
    for (const role of ['out', 'in'] as const) {
      if (this.fsm[role]?.state === 'Established') {
        const c = this.conns[role];
        if (c && !c.dead) return c;
      }
    }
    return undefined;
  }

  private onFrame(conn: Conn, frame: Buffer): void {
    const role = conn.role;
    const r = decodeMessage(frame, conn.ctx);
    if (!r.ok) {
      const code = r.error.notification.code;
      const type = code === ErrorCode.OPEN_MESSAGE ? 'BGPOpenMsgErr' : code === ErrorCode.UPDATE_MESSAGE ? 'UpdateMsgErr' : 'BGPHeaderErr';
      this.log?.warn({ peer: this.address, code: r.error.code, error: r.error.message }, 'bgp message error');
      this.run({ type, conn: role, error: r.error });
      return;
    }
    const m = r.value;
    count(this.msgIn, m);
    switch (m.type) {
      case 'open':
        this.run({ type: 'BGPOpen', conn: role, message: m });
        return;
      case 'keepalive':
        this.run({ type: 'KeepAliveMsg', conn: role });
        return;
      case 'update':
        this.run({ type: 'UpdateMsg', conn: role, message: m, errors: r.errors });
        return;
      case 'route-refresh':
        this.run({ type: 'RouteRefreshMsg', conn: role, message: m });
        return;
      case 'notification': {
        const n = { code: m.code, subcode: m.subcode, data: m.data };
        this.log?.info({ peer: this.address, notification: describeNotificationData(n) }, 'bgp notification received');
        // RFC 4271 §8.1.2 Event 24: version error in the OPEN.
        const verErr = m.code === ErrorCode.OPEN_MESSAGE && m.subcode === OpenSubcode.UNSUPPORTED_VERSION;
        this.run({ type: verErr ? 'NotifMsgVerErr' : 'NotifMsg', conn: role, message: m });
        return;
      }
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  // ------------------------------------------------------------------ timers

  private startTimer(timer: TimerName, role: ConnRole | undefined, seconds: number): void {
    const conn = role ? this.conns[role] : undefined;
    if (role && !conn) return;
    const map = conn ? conn.timers : this.peerTimers;
    const old = map.get(timer);
    if (old) clearTimeout(old);
    const t = setTimeout(() => {
      if (map.get(timer) !== t) return;
      map.delete(timer);
      if (conn && (conn.dead || this.conns[conn.role] !== conn)) return;
      this.post({ kind: 'event', event: timerExpiry(timer, role) });
    }, seconds * 1000);
    map.set(timer, t);
  }

  private checkClosed(): void {
    if (this.conns.out || this.conns.in || this.closing.size > 0 || this.closeWaiters.length === 0) return;
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const w of waiters) w();
  }
}
