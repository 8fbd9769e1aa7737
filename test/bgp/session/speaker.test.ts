import { describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import { normalizeAddress } from '../../../src/bgp/session/speaker.js';
import type { DownReason } from '../../../src/bgp/fsm/types.js';
import type { UpdateMessage } from '../../../src/bgp/wire/types.js';
import { waitFor } from '../../support/process.js';
import { loopbackSpeakers } from '../../support/bgp-speakers.js';

const { pair, speaker } = loopbackSpeakers();

describe('BgpSpeaker over loopback', () => {
  it('two speakers reach Established and negotiate', async () => {
    const { a, b } = await pair();
    const sa = a.peers()[0];
    expect(sa.negotiated?.holdTime).toBe(9);
    expect(sa.negotiated?.keepaliveTime).toBe(3);
    expect(sa.negotiated?.families).toEqual([{ afi: 1, safi: 1 }, { afi: 25, safi: 70 }]);
    expect(sa.negotiated?.fourOctetAs).toBe(true);
    expect(sa.negotiated?.enhancedRouteRefresh).toBe(true);
    expect(b.peers()[0].messagesIn.open).toBe(1);
  });

  it('exchanges updates, batched', async () => {
    const { a, b } = await pair();
    const got: UpdateMessage[] = [];
    a.on('update', (_p, u) => got.push(u));
    const u = (n: number): UpdateMessage => ({
      type: 'update', withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.1' },
      nlri: [{ addr: (198 << 24 | 51 << 16 | 100 << 8 | n) >>> 0, len: 32 }],
    });
    expect(b.sendUpdates('127.0.0.1', [u(1), u(2), u(3)])).toBe(true);
    await waitFor(() => got.length === 3, 'updates');
    expect(got.map((x) => x.nlri[0].addr & 0xff)).toEqual([1, 2, 3]);
    expect(got[0].attributes.asPath).toEqual([{ type: 2, asns: [65002] }]);
    expect(a.peers()[0].messagesIn.update).toBe(3);
  });

  it('keepalives flow and hold the session', async () => {
    const { a, b } = await pair({ holdTime: 3 });
    const before = a.peers()[0].messagesIn.keepalive;
    await new Promise((r) => setTimeout(r, 3500));
    expect(a.peers()[0].messagesIn.keepalive).toBeGreaterThanOrEqual(before + 2);
    expect(a.peers()[0].state).toBe('Established');
    expect(b.peers()[0].state).toBe('Established');
  });

  it('administrative shutdown is seen with Cease 6/2 and its text', async () => {
    const { a, b } = await pair();
    const downs: DownReason[] = [];
    a.on('down', (_p, r) => downs.push(r));
    await b.shutdown('all', 'maintenance window — back soon');
    await waitFor(() => downs.length === 1, 'down on A');
    expect(downs[0].kind).toBe('notification-received');
    if (downs[0].kind !== 'notification-received') return;
    expect(downs[0].notification.code).toBe(6);
    expect(downs[0].notification.subcode).toBe(2);
    expect(a.peers()[0].lastError).toContain('maintenance window — back soon');
    expect(b.peers()[0].state).toBe('Idle');
    b.enable('127.0.0.1');
    await waitFor(() => a.peers()[0].state === 'Established', 'back up');
  });

  it('an address that is no configured peer is closed before any OPEN is read', async () => {
    const a = speaker({
      routerId: '10.0.0.1', localAs: 65001, listen: { host: '127.0.0.1', port: 0 },
      peers: [{ address: '127.0.0.2', remoteAs: 65002, passive: true }],
    });
    await a.start();
    const rejected: string[] = [];
    a.on('rejected', (r) => rejected.push(r));
    const s = new Socket();
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => undefined);
    s.connect({ host: '127.0.0.1', port: a.listenAddress()?.port ?? 0, localAddress: '127.0.0.3' });
    await closed;
    expect(received).toEqual([]);
    expect(rejected).toEqual(['127.0.0.3']);
    expect(a.rejectedConnections).toBe(1);
    expect(a.peers()[0].messagesIn.total).toBe(0);
  });

  it('max prefixes: Cease 6/1 with AFI/SAFI/limit, and the session comes back', async () => {
    const { a, b } = await pair();
    const downs: DownReason[] = [];
    b.on('down', (_p, r) => downs.push(r));
    a.peer('127.0.0.2')?.maxPrefixesExceeded({ afi: 25, safi: 70 }, 1000);
    await waitFor(() => downs.length === 1, 'down on B');
    expect(downs[0]).toEqual({ kind: 'notification-received', notification: { code: 6, subcode: 1, data: Buffer.from([0, 25, 70, 0, 0, 3, 0xe8]) } });
    await waitFor(() => a.peers()[0].state === 'Established' && b.peers()[0].state === 'Established', 'back up');
  });

  it('removing a peer sends Cease 6/3', async () => {
    const { a, b } = await pair();
    const downs: DownReason[] = [];
    b.on('down', (_p, r) => downs.push(r));
    await a.removePeer('127.0.0.2');
    await waitFor(() => downs.length === 1, 'down on B');
    expect(downs[0].kind === 'notification-received' && downs[0].notification.subcode).toBe(3);
    expect(a.peers()).toEqual([]);
  });

  it('collision: both sides connect, one session survives', async () => {
    const portA = await (async () => {
      const a = speaker({ routerId: '10.0.0.1', localAs: 65001, connectRetry: 1, listen: { host: '127.0.0.1', port: 0 }, peers: [] });
      await a.start();
      return { a, port: a.listenAddress()?.port ?? 0 };
    })();
    const b = speaker({ routerId: '10.0.0.2', localAs: 65002, connectRetry: 1, listen: { host: '127.0.0.2', port: 0 }, peers: [] });
    await b.start();
    const portB = b.listenAddress()?.port ?? 0;
    portA.a.addPeer({ address: '127.0.0.2', remoteAs: 65002, port: portB, localAddress: '127.0.0.1' });
    b.addPeer({ address: '127.0.0.1', remoteAs: 65001, port: portA.port, localAddress: '127.0.0.2' });
    await waitFor(() => portA.a.peers()[0]?.state === 'Established' && b.peers()[0]?.state === 'Established', 'Established', 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(portA.a.peers()[0].connections).toBe(1);
    expect(b.peers()[0].connections).toBe(1);
  });
});

describe('normalizeAddress', () => {
  it('reads IPv4-mapped IPv6 as IPv4 and lower-cases IPv6', () => {
    expect(normalizeAddress('::FFFF:127.0.0.2')).toBe('127.0.0.2');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
  });
});
