import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Harness, LOCAL_ID, PEER_ID, config, expiry, peerOpen } from './harness.js';
import { sessionState } from '../../../src/bgp/fsm/fsm.js';
import type { ConnRole, FsmAction, FsmEvent, FsmState } from '../../../src/bgp/fsm/types.js';

const role = fc.constantFrom<ConnRole>('out', 'in');
const open = fc.record({
  version: fc.constantFrom(4, 4, 4, 3),
  holdTime: fc.constantFrom(0, 1, 3, 90, 180),
  bgpId: fc.constantFrom(PEER_ID, LOCAL_ID, 0, 0xffffffff),
  myAs: fc.constantFrom(65002, 65002, 65009),
}).map((o) => peerOpen(o));
const wireError = { code: 'X', message: 'x', action: 'session-reset' as const, notification: { code: 1, subcode: 2, data: Buffer.alloc(0) } };

// The happy path is weighted up so that sequences often reach Established.
const progress: fc.Arbitrary<FsmEvent> = fc.oneof(
  fc.constant<FsmEvent>({ type: 'Tcp_CR_Acked' }),
  fc.constant<FsmEvent>({ type: 'TcpConnectionConfirmed' }),
  role.map<FsmEvent>((conn) => ({ type: 'BGPOpen', conn, message: peerOpen() })),
  role.map<FsmEvent>((conn) => ({ type: 'KeepAliveMsg', conn })),
);
const any: fc.Arbitrary<FsmEvent> = fc.oneof(
  fc.constant<FsmEvent>({ type: 'ManualStart' }),
  fc.constant<FsmEvent>({ type: 'AutomaticStart' }),
  fc.constantFrom(2, 3).map<FsmEvent>((subcode) => ({ type: 'ManualStop', subcode })),
  fc.constantFrom(1, 4).map<FsmEvent>((subcode) => ({ type: 'AutomaticStop', subcode })),
  fc.constantFrom('ConnectRetry', 'IdleHold', 'Stable', 'Hold:out', 'Hold:in', 'Keepalive:out', 'Keepalive:in', 'SendHold:out', 'SendHold:in').map(expiry),
  fc.constant<FsmEvent>({ type: 'Tcp_CR_Acked' }),
  fc.constant<FsmEvent>({ type: 'TcpConnectionConfirmed' }),
  role.map<FsmEvent>((conn) => ({ type: 'TcpConnectionFails', conn })),
  fc.tuple(role, open).map<FsmEvent>(([conn, message]) => ({ type: 'BGPOpen', conn, message })),
  fc.tuple(role, fc.constantFrom('BGPHeaderErr', 'BGPOpenMsgErr', 'UpdateMsgErr') as fc.Arbitrary<'BGPHeaderErr'>)
    .map<FsmEvent>(([conn, type]) => ({ type, conn, error: wireError })),
  role.map<FsmEvent>((conn) => ({ type: 'NotifMsg', conn, message: { type: 'notification', code: 6, subcode: 2, data: Buffer.alloc(0) } })),
  role.map<FsmEvent>((conn) => ({ type: 'NotifMsgVerErr', conn, message: { type: 'notification', code: 2, subcode: 1, data: Buffer.alloc(0) } })),
  role.map<FsmEvent>((conn) => ({ type: 'KeepAliveMsg', conn })),
  role.map<FsmEvent>((conn) => ({ type: 'UpdateMsg', conn, message: { type: 'update', withdrawn: [], attributes: {}, nlri: [] }, errors: [] })),
  role.map<FsmEvent>((conn) => ({ type: 'RouteRefreshMsg', conn, message: { type: 'route-refresh', afi: 25, safi: 70, subtype: 0 } })),
  role.map<FsmEvent>((conn) => ({ type: 'SendBlocked', conn })),
  role.map<FsmEvent>((conn) => ({ type: 'SendDrained', conn })),
);
const event = fc.oneof({ arbitrary: progress, weight: 3 }, { arbitrary: any, weight: 2 });

/** The handshake of one connection, in order: scripts start with a random part of it, so that Established is explored every run. */
function handshake(passive: boolean): FsmEvent[] {
  const conn: ConnRole = passive ? 'in' : 'out';
  return [passive ? { type: 'TcpConnectionConfirmed' } : { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', conn, message: peerOpen() }, { type: 'KeepAliveMsg', conn }];
}

function checkStep(before: FsmState, ev: FsmEvent, actions: FsmAction[], h: Harness): void {
  const after = h.state;
  const state = sessionState(after);

  // No connection timer and no ConnectRetry while Idle: only the damping timer may run.
  if (state === 'Idle') expect(h.running().filter((k) => k !== 'IdleHold')).toEqual([]);
  if (!after.started) expect(h.running()).toEqual([]);

  // Connection timers only run on connections that exist.
  for (const k of h.running()) {
    const conn = k.split(':')[1] as ConnRole | undefined;
    if (conn) expect(after[conn], k).toBeDefined();
  }

  // At most one Established connection; Established only after OPEN then KEEPALIVE.
  expect([after.out, after.in].filter((c) => c?.state === 'Established').length).toBeLessThanOrEqual(1);
  for (const a of actions) {
    if (a.type !== 'established') continue;
    expect(ev.type).toBe('KeepAliveMsg');
    expect(before[a.conn]?.state).toBe('OpenConfirm');
    expect(before[a.conn]?.negotiated).toBeDefined();
  }
  for (const c of [after.out, after.in]) {
    if (c && (c.state === 'OpenConfirm' || c.state === 'Established')) expect(c.negotiated).toBeDefined();
  }

  // Every NOTIFICATION sent is followed by closing that connection, and nothing is sent after close.
  actions.forEach((a, i) => {
    if (a.type === 'send' && a.message.type === 'notification') {
      expect(actions.slice(i + 1).some((b) => b.type === 'close' && b.conn === a.conn)).toBe(true);
    }
    if (a.type === 'close') {
      expect(actions.slice(i + 1).some((b) => b.type === 'send' && b.conn === a.conn)).toBe(false);
    }
  });

  // A `down` only when an Established connection went away.
  const downs = actions.filter((a) => a.type === 'down').length;
  const wasUp = [before.out, before.in].some((c) => c?.state === 'Established');
  const isUp = [after.out, after.in].some((c) => c?.state === 'Established');
  expect(downs).toBe(wasUp && !isUp ? 1 : 0);

  // Updates are delivered only in Established.
  if (actions.some((a) => a.type === 'update' || a.type === 'route-refresh')) expect(wasUp).toBe(true);

  // A passive peer never connects.
  if (after.config.passive) expect(actions.some((a) => a.type === 'connect')).toBe(false);
}

describe('FSM invariants under random event sequences', () => {
  for (const passive of [false, true]) {
    it(`hold (passive=${passive})`, () => {
      const reached = new Set<string>();
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 3 }), fc.array(fc.oneof(event, fc.integer({ min: 1, max: 200 })), { maxLength: 60 }), (prefix, rest) => {
          const h = new Harness(config({ passive }));
          h.fire({ type: 'ManualStart' });
          // Every later step is checked, those of timers firing as time passes included.
          h.onStep = (before, ev, actions) => checkStep(before, ev, actions, h);
          for (const item of [...handshake(passive).slice(0, prefix), ...rest]) {
            if (typeof item === 'number') {
              h.advance(item);
              continue;
            }
            h.fire(item);
            reached.add(sessionState(h.state));
          }
        }),
        { numRuns: 2000 },
      );
      expect([...reached].sort()).toEqual(passive
        ? ['Active', 'Established', 'Idle', 'OpenConfirm', 'OpenSent']
        : ['Active', 'Connect', 'Established', 'Idle', 'OpenConfirm', 'OpenSent']);
    });
  }
});
