import { describe, expect, it } from 'vitest';
import { Harness, LOCAL_ID, PEER_ID, config, establish, openSent, peerOpen, sent } from './harness.js';
import { AFI, AS_TRANS, SAFI } from '../../../src/bgp/wire/types.js';
import type { OpenMessage } from '../../../src/bgp/wire/types.js';
import { buildOpen } from '../../../src/bgp/fsm/open.js';

describe('active open', () => {
  it('goes Idle → Connect → OpenSent → OpenConfirm → Established', () => {
    const h = new Harness(config());
    expect(h.session).toBe('Idle');
    let a = h.fire({ type: 'ManualStart' });
    expect(h.session).toBe('Connect');
    expect(a).toContainEqual({ type: 'connect' });
    expect(h.running()).toEqual(['ConnectRetry']);

    a = h.fire({ type: 'Tcp_CR_Acked' });
    expect(h.session).toBe('OpenSent');
    expect(sent(a)).toEqual([{ conn: 'out', type: 'open' }]);
    expect(h.running()).toEqual(['Hold:out']);
    expect(h.timers.get('Hold:out')).toBe(240);

    a = h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen({ holdTime: 30 }) });
    expect(h.session).toBe('OpenConfirm');
    expect(sent(a)).toEqual([{ conn: 'out', type: 'keepalive' }]);
    expect(h.timers.get('Hold:out')).toBe(30);
    expect(h.timers.get('Keepalive:out')).toBe(10);

    a = h.fire({ type: 'KeepAliveMsg', conn: 'out' });
    expect(h.session).toBe('Established');
    const est = a.find((x) => x.type === 'established');
    expect(est).toBeDefined();
    if (est?.type !== 'established') return;
    expect(est.negotiated.holdTime).toBe(30);
    expect(est.negotiated.families).toEqual([{ afi: AFI.L2VPN, safi: SAFI.EVPN }]);
    expect(est.negotiated.missingFamilies).toEqual([{ afi: AFI.IPV4, safi: SAFI.UNICAST }]);
    expect(est.negotiated.fourOctetAs).toBe(true);
    expect(est.negotiated.routeRefresh).toBe(true);
    expect(est.negotiated.enhancedRouteRefresh).toBe(false);
  });

  it('delivers updates and route refresh only in Established', () => {
    const h = new Harness(config());
    establish(h, 'out');
    const update = { type: 'update' as const, withdrawn: [], attributes: {}, nlri: [] };
    const a = h.fire({ type: 'UpdateMsg', conn: 'out', message: update, errors: [] });
    expect(a).toContainEqual({ type: 'update', message: update, errors: [] });
    const rr = { type: 'route-refresh' as const, afi: 25, safi: 70, subtype: 0 };
    expect(h.fire({ type: 'RouteRefreshMsg', conn: 'out', message: rr })).toContainEqual({ type: 'route-refresh', message: rr });
  });
});

describe('passive open', () => {
  it('never connects and accepts the peer', () => {
    const h = new Harness(config({ passive: true }));
    const a = h.fire({ type: 'ManualStart' });
    expect(a.filter((x) => x.type !== 'stop-timer')).toEqual([]);
    expect(h.session).toBe('Active');
    expect(h.advance(10_000)).toEqual([]);
    h.fire({ type: 'TcpConnectionConfirmed' });
    expect(h.session).toBe('OpenSent');
    h.fire({ type: 'BGPOpen', conn: 'in', message: peerOpen() });
    h.fire({ type: 'KeepAliveMsg', conn: 'in' });
    expect(h.session).toBe('Established');
  });

  it('returns to Active without damping after a failure', () => {
    const h = new Harness(config({ passive: true }));
    establish(h, 'in');
    const a = h.fire({ type: 'TcpConnectionFails', conn: 'in' });
    expect(a).toContainEqual({ type: 'down', reason: { kind: 'connection-lost' } });
    expect(h.session).toBe('Active');
    expect(h.running()).toEqual([]);
  });

  it('an incoming connection while connecting keeps our attempt; both run until OPENs decide', () => {
    const h = new Harness(config());
    h.fire({ type: 'ManualStart' });
    const a = h.fire({ type: 'TcpConnectionConfirmed' });
    expect(a.some((x) => x.type === 'close')).toBe(false);
    expect(sent(a)).toEqual([{ conn: 'in', type: 'open' }]);
    expect(h.state.out?.state).toBe('Connect');
    expect(h.session).toBe('OpenSent');
    expect(h.running()).toEqual(['Hold:in']);
    expect(sent(h.fire({ type: 'Tcp_CR_Acked' }))).toEqual([{ conn: 'out', type: 'open' }]);
    expect(h.state.out?.state).toBe('OpenSent');
  });
});

describe('failures and backoff', () => {
  it('doubles the idle hold time after each failed connect, up to the ceiling', () => {
    const h = new Harness(config({ idleHoldTime: 2, idleHoldMax: 10 }));
    h.fire({ type: 'ManualStart' });
    const holds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = h.fire({ type: 'TcpConnectionFails', conn: 'out' });
      expect(h.session).toBe('Idle');
      const t = a.find((x) => x.type === 'start-timer' && x.timer === 'IdleHold');
      holds.push(t?.type === 'start-timer' ? t.seconds : -1);
      const next = h.advance(holds[i]);
      expect(next).toContainEqual({ type: 'connect' });
      expect(h.session).toBe('Connect');
    }
    expect(holds).toEqual([2, 4, 8, 10, 10]);
  });

  it('a stable session forgets the failure count', () => {
    const h = new Harness(config({ idleHoldTime: 2, stableTime: 100 }));
    h.fire({ type: 'ManualStart' });
    h.fire({ type: 'TcpConnectionFails', conn: 'out' });
    h.advance(2);
    h.fire({ type: 'TcpConnectionFails', conn: 'out' });
    expect(h.state.failures).toBe(2);
    h.advance(4);
    h.fire({ type: 'Tcp_CR_Acked' });
    h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen() });
    h.fire({ type: 'KeepAliveMsg', conn: 'out' });
    for (let i = 0; i < 4; i++) {
      h.advance(30);
      h.fire({ type: 'KeepAliveMsg', conn: 'out' });
    }
    expect(h.session).toBe('Established');
    expect(h.state.failures).toBe(0);
  });

  it('ConnectRetry expiry in Connect abandons the attempt and connects again', () => {
    const h = new Harness(config({ connectRetry: 5 }));
    h.fire({ type: 'ManualStart' });
    const a = h.advance(5);
    expect(a).toEqual([
      { type: 'close', conn: 'out' },
      { type: 'connect' },
      { type: 'start-timer', timer: 'ConnectRetry', seconds: 5 },
    ]);
    expect(h.session).toBe('Connect');
  });

  it('TCP loss in OpenSent goes to Active with ConnectRetry (RFC 4271 §8.2.2)', () => {
    const h = new Harness(config());
    openSent(h);
    h.fire({ type: 'TcpConnectionFails', conn: 'out' });
    expect(h.session).toBe('Active');
    expect(h.running()).toEqual(['ConnectRetry']);
    expect(h.advance(30)).toContainEqual({ type: 'connect' });
  });

  it('a version NOTIFICATION in OpenSent does not count as a failure', () => {
    const h = new Harness(config());
    openSent(h);
    h.fire({ type: 'NotifMsgVerErr', conn: 'out', message: { type: 'notification', code: 2, subcode: 1, data: Buffer.from([0, 4]) } });
    expect(h.session).toBe('Idle');
    expect(h.state.failures).toBe(0);
    expect(h.running()).toEqual(['IdleHold']);
  });
});

describe('timers', () => {
  it('sends keepalives every hold/3 and expires the hold timer without input', () => {
    const h = new Harness(config());
    establish(h, 'out');
    const a = h.advance(89);
    expect(sent(a).filter((m) => m.type === 'keepalive')).toHaveLength(2); // at 30 and 60
    const b = h.advance(1);
    expect(sent(b)).toEqual([{ conn: 'out', type: 'notification', code: 4, subcode: 0, data: Buffer.alloc(0) }]);
    expect(b).toContainEqual({ type: 'down', reason: { kind: 'hold-timer-expired' } });
    expect(b.at(-1)).toEqual({ type: 'start-timer', timer: 'IdleHold', seconds: 1 });
    expect(h.session).toBe('Idle');
    expect(h.running()).toEqual(['IdleHold']);
  });

  it('received KEEPALIVEs keep the session up', () => {
    const h = new Harness(config());
    establish(h, 'out');
    for (let i = 0; i < 20; i++) {
      h.advance(29);
      h.fire({ type: 'KeepAliveMsg', conn: 'out' });
    }
    expect(h.session).toBe('Established');
  });

  it('hold time 0 disables keepalives and the hold timer', () => {
    const h = new Harness(config());
    establish(h, 'out', peerOpen({ holdTime: 0 }));
    expect(h.running()).toEqual(['Stable']);
    expect(sent(h.advance(100_000))).toEqual([]);
    expect(h.session).toBe('Established');
  });

  it('send hold timer: max(8 min, 2 × hold), then NOTIFICATION 8/0 and close (RFC 9687)', () => {
    const h = new Harness(config({ holdTime: 300 }));
    establish(h, 'out', peerOpen({ holdTime: 300 }));
    expect(h.fire({ type: 'SendBlocked', conn: 'out' })).toEqual([{ type: 'start-timer', timer: 'SendHold', conn: 'out', seconds: 600 }]);
    h.fire({ type: 'SendDrained', conn: 'out' });
    expect(h.timers.has('SendHold:out')).toBe(false);
    h.fire({ type: 'SendBlocked', conn: 'out' });
    const a = h.fire({ type: 'SendHoldTimer_Expires', conn: 'out' });
    expect(sent(a)).toEqual([{ conn: 'out', type: 'notification', code: 8, subcode: 0, data: Buffer.alloc(0) }]);
    expect(a).toContainEqual({ type: 'close', conn: 'out' });
    expect(a).toContainEqual({ type: 'down', reason: { kind: 'send-hold-timer-expired' } });
  });
});

describe('OPEN checks', () => {
  const cases: Array<[string, Partial<OpenMessage>, number, number, Buffer?]> = [
    ['unsupported version', { version: 3 }, 2, 1, Buffer.from([0, 4])],
    ['bad peer AS', { myAs: 65009, capabilities: [{ kind: 'multiprotocol', afi: 25, safi: 70 }] }, 2, 2],
    ['4-octet AS differs', { myAs: AS_TRANS, capabilities: [{ kind: 'four-octet-as', asn: 4200000000 }] }, 2, 2],
    ['My AS contradicts 4-octet AS', { myAs: 65003, capabilities: [{ kind: 'four-octet-as', asn: 65002 }] }, 2, 2],
    ['zero identifier', { bgpId: 0 }, 2, 3],
    ['hold time 1', { holdTime: 1 }, 2, 6],
    ['hold time 2', { holdTime: 2 }, 2, 6],
    ['no family in common', { capabilities: [{ kind: 'multiprotocol', afi: 2, safi: 1 }] }, 2, 7,
      Buffer.from([1, 4, 0, 1, 0, 1, 1, 4, 0, 25, 0, 70])],
  ];
  for (const [name, over, code, subcode, data] of cases) {
    it(`refuses ${name} with ${code}/${subcode}`, () => {
      const h = new Harness(config());
      openSent(h);
      const a = h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen(over) });
      const n = sent(a);
      expect(n).toHaveLength(1);
      expect(n[0]).toMatchObject({ type: 'notification', code, subcode });
      if (data) expect(n[0].data).toEqual(data);
      expect(a).toContainEqual({ type: 'close', conn: 'out' });
      expect(h.session).toBe('Idle');
    });
  }

  it('accepts a 4-octet peer AS behind AS_TRANS', () => {
    const h = new Harness(config({ remoteAs: 4200000000 }));
    establish(h, 'out', peerOpen({ myAs: AS_TRANS, capabilities: [{ kind: 'multiprotocol', afi: 25, safi: 70 }, { kind: 'four-octet-as', asn: 4200000000 }] }));
    expect(h.session).toBe('Established');
  });

  it('identifier equal to ours: error for iBGP only (RFC 6286 §2.2)', () => {
    const ebgp = new Harness(config());
    establish(ebgp, 'out', peerOpen({ bgpId: LOCAL_ID }));
    expect(ebgp.session).toBe('Established');
    const ibgp = new Harness(config({ remoteAs: 65001 }));
    openSent(ibgp);
    const a = ibgp.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen({ myAs: 65001, bgpId: LOCAL_ID, capabilities: [] }) });
    expect(sent(a)[0]).toMatchObject({ code: 2, subcode: 3 });
  });

  it('a peer without MP capabilities gets ipv4/unicast only', () => {
    const h = new Harness(config());
    openSent(h);
    h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen({ capabilities: [] }) });
    expect(h.state.out?.negotiated?.families).toEqual([{ afi: 1, safi: 1 }]);
    expect(h.state.out?.negotiated?.fourOctetAs).toBe(false);
  });

  it('our OPEN: AS_TRANS for a 4-octet AS, capabilities, graceful restart', () => {
    const open = buildOpen(config({ localAs: 4200000001, gracefulRestart: { restartTime: 120, forwardingPreserved: true } }));
    expect(open.myAs).toBe(AS_TRANS);
    expect(open.version).toBe(4);
    expect(open.capabilities).toContainEqual({ kind: 'four-octet-as', asn: 4200000001 });
    expect(open.capabilities).toContainEqual({ kind: 'multiprotocol', afi: 25, safi: 70 });
    expect(open.capabilities).toContainEqual({ kind: 'enhanced-route-refresh' });
    expect(open.capabilities.find((c) => c.kind === 'graceful-restart')).toMatchObject({
      restartTime: 120, families: [{ afi: 1, safi: 1, forwardingPreserved: true }, { afi: 25, safi: 70, forwardingPreserved: true }],
    });
  });
});

describe('RFC 6608 FSM errors', () => {
  it('5/1 for a KEEPALIVE in OpenSent', () => {
    const h = new Harness(config());
    openSent(h);
    expect(sent(h.fire({ type: 'KeepAliveMsg', conn: 'out' }))[0]).toMatchObject({ code: 5, subcode: 1 });
  });
  it('5/2 for an UPDATE in OpenConfirm', () => {
    const h = new Harness(config());
    openSent(h);
    h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen() });
    const a = h.fire({ type: 'UpdateMsg', conn: 'out', message: { type: 'update', withdrawn: [], attributes: {}, nlri: [] }, errors: [] });
    expect(sent(a)[0]).toMatchObject({ code: 5, subcode: 2 });
  });
  it('5/3 for an OPEN in Established', () => {
    const h = new Harness(config());
    establish(h, 'out');
    const a = h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen() });
    expect(sent(a)[0]).toMatchObject({ code: 5, subcode: 3 });
    expect(a.some((x) => x.type === 'down')).toBe(true);
  });
});

describe('collision detection (RFC 4271 §6.8, RFC 6286 §2.3)', () => {
  function collide(localId: number, peerId: number, localAs = 65001, peerAs = 65002): Harness {
    const h = new Harness(config({ routerId: localId, localAs, remoteAs: peerAs }));
    const open = peerOpen({ bgpId: peerId, myAs: peerAs, capabilities: [{ kind: 'multiprotocol', afi: 25, safi: 70 }] });
    openSent(h);
    h.fire({ type: 'TcpConnectionConfirmed' });
    expect(h.state.out?.state).toBe('OpenSent');
    expect(h.state.in?.state).toBe('OpenSent');
    h.fire({ type: 'BGPOpen', conn: 'out', message: open });
    expect(h.state.out?.state).toBe('OpenConfirm');
    h.fire({ type: 'BGPOpen', conn: 'in', message: open });
    return h;
  }
  const cease67 = { type: 'notification', code: 6, subcode: 7, data: Buffer.alloc(0) };

  it('higher local identifier keeps our connection', () => {
    const h = collide(PEER_ID + 1, PEER_ID);
    const last = h.log.at(-1)?.actions ?? [];
    expect(sent(last)).toEqual([{ conn: 'in', ...cease67 }]);
    expect(last).toContainEqual({ type: 'close', conn: 'in' });
    expect(h.state.in).toBeUndefined();
    expect(h.state.out?.state).toBe('OpenConfirm');
    h.fire({ type: 'KeepAliveMsg', conn: 'out' });
    expect(h.session).toBe('Established');
  });

  it('lower local identifier keeps the peer connection', () => {
    const h = collide(LOCAL_ID, 0xf0000000);
    const last = h.log.at(-1)?.actions ?? [];
    expect(sent(last)).toEqual([{ conn: 'out', ...cease67 }, { conn: 'in', type: 'keepalive' }]);
    expect(h.state.out).toBeUndefined();
    expect(h.state.in?.state).toBe('OpenConfirm');
  });

  it('identifiers compare as unsigned 32-bit numbers', () => {
    const h = collide(0x80000001, 0x7fffffff);
    expect(h.state.out).toBeDefined();
    expect(h.state.in).toBeUndefined();
  });

  it('equal identifiers: the larger AS keeps the connection it initiated', () => {
    expect(collide(LOCAL_ID, LOCAL_ID, 65010, 65002).state.out).toBeDefined();
    expect(collide(LOCAL_ID, LOCAL_ID, 65001, 65002).state.in).toBeDefined();
  });

  it('a connection attempt against an Established session is refused with 6/7', () => {
    const h = new Harness(config());
    establish(h, 'out');
    const a = h.fire({ type: 'TcpConnectionConfirmed' });
    expect(a).toEqual([{ type: 'reject-incoming', notification: { code: 6, subcode: 7, data: Buffer.alloc(0) } }]);
    expect(h.session).toBe('Established');
  });

  it('an OPEN on the second connection after the first is Established loses', () => {
    const h = new Harness(config({ routerId: 0xff000000 }));
    openSent(h);
    h.fire({ type: 'TcpConnectionConfirmed' });
    h.fire({ type: 'BGPOpen', conn: 'in', message: peerOpen() });
    h.fire({ type: 'KeepAliveMsg', conn: 'in' });
    const a = h.fire({ type: 'BGPOpen', conn: 'out', message: peerOpen() });
    expect(sent(a)).toEqual([{ conn: 'out', ...cease67 }]);
    expect(h.session).toBe('Established');
  });

  it('Idle refuses incoming connections with 6/5', () => {
    const h = new Harness(config());
    expect(h.fire({ type: 'TcpConnectionConfirmed' })).toEqual([{ type: 'reject-incoming', notification: { code: 6, subcode: 5, data: Buffer.alloc(0) } }]);
  });

  it('a started peer waiting out its idle hold takes the peer\'s connection', () => {
    const h = new Harness(config());
    h.fire({ type: 'ManualStart' });
    h.fire({ type: 'TcpConnectionFails', conn: 'out' });
    expect(h.session).toBe('Idle');
    const a = h.fire({ type: 'TcpConnectionConfirmed' });
    expect(a.some((x) => x.type === 'reject-incoming')).toBe(false);
    expect(a).toContainEqual({ type: 'stop-timer', timer: 'IdleHold' });
    expect(h.session).not.toBe('Idle');
  });
});

describe('stops', () => {
  it('administrative shutdown sends Cease 6/2 with the communication, closes, stays Idle', () => {
    const h = new Harness(config());
    establish(h, 'out');
    const text = Buffer.from([5, ...Buffer.from('bye!')]);
    const a = h.fire({ type: 'ManualStop', subcode: 2, data: text });
    expect(sent(a)).toEqual([{ conn: 'out', type: 'notification', code: 6, subcode: 2, data: text }]);
    expect(a).toContainEqual({ type: 'close', conn: 'out' });
    expect(a).toContainEqual({ type: 'down', reason: { kind: 'stopped', notification: { code: 6, subcode: 2, data: text } } });
    expect(h.session).toBe('Idle');
    expect(h.running()).toEqual([]);
    expect(h.advance(10_000)).toEqual([]);
  });

  it('max prefixes: Cease 6/1, then start again after the idle hold', () => {
    const h = new Harness(config({ idleHoldTime: 3 }));
    establish(h, 'out');
    const data = Buffer.from([0, 25, 70, 0, 0, 0, 10]);
    const a = h.fire({ type: 'AutomaticStop', subcode: 1, data });
    expect(sent(a)).toEqual([{ conn: 'out', type: 'notification', code: 6, subcode: 1, data }]);
    expect(h.session).toBe('Idle');
    expect(h.running()).toEqual(['IdleHold']);
    expect(h.advance(3)).toContainEqual({ type: 'connect' });
  });

  it('stopping while connecting sends nothing', () => {
    const h = new Harness(config());
    h.fire({ type: 'ManualStart' });
    const a = h.fire({ type: 'ManualStop', subcode: 2 });
    expect(sent(a)).toEqual([]);
    expect(a).toContainEqual({ type: 'close', conn: 'out' });
    expect(h.session).toBe('Idle');
  });
});
