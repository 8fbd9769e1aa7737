/**
 * A fake-clock driver for the pure FSM: applies timer actions to a table of deadlines,
 * advances time by firing due timers in order, and records every action.
 */
import { step, initialState, sessionState, timerExpiry } from '../../../src/bgp/fsm/fsm.js';
import type { ConnRole, FsmAction, FsmConfig, FsmEvent, FsmState, TimerName } from '../../../src/bgp/fsm/types.js';
import type { OpenMessage } from '../../../src/bgp/wire/types.js';
import { AFI, SAFI } from '../../../src/bgp/wire/types.js';

export const LOCAL_ID = 0x0a000001; // 10.0.0.1
export const PEER_ID = 0x0a000002; // 10.0.0.2

export function config(over: Partial<FsmConfig> = {}): FsmConfig {
  return {
    localAs: 65001,
    remoteAs: 65002,
    routerId: LOCAL_ID,
    holdTime: 90,
    connectRetry: 30,
    passive: false,
    families: [{ afi: AFI.IPV4, safi: SAFI.UNICAST }, { afi: AFI.L2VPN, safi: SAFI.EVPN }],
    idleHoldTime: 1,
    idleHoldMax: 60,
    stableTime: 120,
    ...over,
  };
}

export function peerOpen(over: Partial<OpenMessage> = {}): OpenMessage {
  return {
    type: 'open',
    version: 4,
    myAs: 65002,
    holdTime: 90,
    bgpId: PEER_ID,
    capabilities: [
      { kind: 'multiprotocol', afi: AFI.L2VPN, safi: SAFI.EVPN },
      { kind: 'route-refresh' },
      { kind: 'four-octet-as', asn: 65002 },
    ],
    ...over,
  };
}

export function timerKey(timer: TimerName, conn?: ConnRole): string {
  return conn ? `${timer}:${conn}` : timer;
}

export class Harness {
  state: FsmState;
  now = 0;
  /** Running timers: key → deadline (seconds). */
  readonly timers = new Map<string, number>();
  readonly log: Array<{ at: number; event: FsmEvent; actions: FsmAction[] }> = [];
  /** Called after every step, timer steps included, once the timers are updated. */
  onStep?: (before: FsmState, event: FsmEvent, actions: FsmAction[]) => void;

  constructor(cfg: FsmConfig) {
    this.state = initialState(cfg);
  }

  get session(): string {
    return sessionState(this.state);
  }

  fire(event: FsmEvent): FsmAction[] {
    const before = this.state;
    const r = step(before, event);
    this.state = r.state;
    for (const a of r.actions) {
      if (a.type === 'start-timer') this.timers.set(timerKey(a.timer, a.conn), this.now + a.seconds);
      else if (a.type === 'stop-timer') this.timers.delete(timerKey(a.timer, a.conn));
      else if (a.type === 'close') {
        for (const k of [...this.timers.keys()]) if (k.endsWith(`:${a.conn}`)) this.timers.delete(k);
      }
    }
    this.log.push({ at: this.now, event, actions: r.actions });
    this.onStep?.(before, event, r.actions);
    return r.actions;
  }

  /** Advances the fake clock, firing due timers in deadline order. */
  advance(seconds: number): FsmAction[] {
    const end = this.now + seconds;
    const out: FsmAction[] = [];
    for (;;) {
      let next: [string, number] | undefined;
      for (const e of this.timers) if (e[1] <= end && (!next || e[1] < next[1])) next = e;
      if (!next) break;
      this.now = next[1];
      this.timers.delete(next[0]);
      out.push(...this.fire(expiry(next[0])));
    }
    this.now = end;
    return out;
  }

  running(): string[] {
    return [...this.timers.keys()].sort();
  }
}

/** The expiry event of a timer key of `timers`. */
export function expiry(key: string): FsmEvent {
  const [timer, conn] = key.split(':') as [TimerName, ConnRole | undefined];
  return timerExpiry(timer, conn);
}

export function sent(actions: FsmAction[]): Array<{ conn: ConnRole; type: string; code?: number; subcode?: number; data?: Buffer }> {
  return actions.flatMap((a) => a.type === 'send'
    ? [a.message.type === 'notification'
      ? { conn: a.conn, type: 'notification', code: a.message.code, subcode: a.message.subcode, data: a.message.data }
      : { conn: a.conn, type: a.message.type }]
    : []);
}

/** Starts a peer and completes its own connection: OpenSent on `out`, our OPEN sent. */
export function openSent(h: Harness): void {
  h.fire({ type: 'ManualStart' });
  h.fire({ type: 'Tcp_CR_Acked' });
}

/** Drives a peer to Established on the given connection. */
export function establish(h: Harness, role: ConnRole, open: OpenMessage = peerOpen()): void {
  if (role === 'out') openSent(h);
  else {
    h.fire({ type: 'ManualStart' });
    h.fire({ type: 'TcpConnectionConfirmed' });
  }
  h.fire({ type: 'BGPOpen', conn: role, message: open });
  h.fire({ type: 'KeepAliveMsg', conn: role });
}
