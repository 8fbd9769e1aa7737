/**
 * RFC 8538: the graceful restart N bit. We announce it whenever graceful restart is on;
 * when both sides did, a Cease that must still end graceful restart (peer de-configured,
 * maximum prefixes) goes out as a Hard Reset carrying it, and the rest (administrative
 * shutdown, which l2bgwd sends when it stops) stays as is, graceful.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildOpen } from '../../src/bgp/fsm/open.js';
import type { DownReason } from '../../src/bgp/fsm/types.js';
import { toFsmConfig } from '../../src/bgp/session/config.js';
import { describeReason } from '../../src/bgp/session/peer.js';
import { BgpSpeaker } from '../../src/bgp/session/speaker.js';
import { waitFor } from '../support/process.js';

const speakers: BgpSpeaker[] = [];
afterEach(async () => {
  await Promise.all(speakers.splice(0).map((s) => s.close()));
});

const timing = { idleHoldTime: 0.1, idleHoldMax: 0.2, stableTime: 5 };

/** B listens, A connects; graceful restart on A as given, on B as given. */
async function pair(grA: boolean, grB: boolean): Promise<{ a: BgpSpeaker; b: BgpSpeaker; downsAtB: DownReason[]; agreedAtB: boolean[] }> {
  const b = new BgpSpeaker({
    config: { routerId: '10.0.0.2', localAs: 65002, listen: { host: '127.0.0.1', port: 0 }, peers: [{ address: '127.0.0.2', remoteAs: 65001, passive: true, gracefulRestart: grB }] },
    timing,
  });
  speakers.push(b);
  const downsAtB: DownReason[] = [];
  // Whether the session that went down had agreed on the N bit, as the daemon reads it then.
  const agreedAtB: boolean[] = [];
  b.on('down', (p, r) => {
    downsAtB.push(r);
    agreedAtB.push(p.notificationAgreed);
  });
  await b.start();
  const a = new BgpSpeaker({
    config: { routerId: '10.0.0.1', localAs: 65001, connectRetry: 1, peers: [{ address: '127.0.0.1', remoteAs: 65002, port: b.listenAddress()?.port, localAddress: '127.0.0.2', gracefulRestart: grA }] },
    timing,
  });
  speakers.push(a);
  await a.start();
  await waitFor(() => a.peers()[0]?.state === 'Established' && b.peers()[0]?.state === 'Established', 'Established');
  return { a, b, downsAtB, agreedAtB };
}

describe('the N bit', () => {
  it('is in our OPEN whenever graceful restart is on', () => {
    const cfg = toFsmConfig({ routerId: '192.0.2.1', localAs: 65001 }, { address: '127.0.0.2', remoteAs: 65002, gracefulRestart: true });
    expect(buildOpen(cfg).capabilities.find((c) => c.kind === 'graceful-restart')).toMatchObject({ notification: true, restarting: false });
  });

  it('both sides: de-configuring the peer sends Hard Reset carrying Cease/Peer De-configured', async () => {
    const { a, downsAtB } = await pair(true, true);
    await a.removePeer('127.0.0.1');
    await waitFor(() => downsAtB.length > 0, 'down at B');
    const r = downsAtB[0];
    expect(r.kind).toBe('notification-received');
    if (r.kind !== 'notification-received') return;
    expect([r.notification.code, r.notification.subcode]).toEqual([6, 9]);
    expect([...r.notification.data]).toEqual([6, 3]);
    expect(describeReason(r)).toBe('received Cease/Hard Reset (6/9) for Cease/Peer De-configured (6/3)');
  });

  it('both sides: administrative shutdown stays Cease 6/2 with its communication (graceful)', async () => {
    const { a, downsAtB, agreedAtB } = await pair(true, true);
    await a.shutdown('all', 'l2bgwd restarting');
    await waitFor(() => downsAtB.length > 0, 'down at B');
    expect(agreedAtB).toEqual([true]);
    const r = downsAtB[0];
    expect(r.kind === 'notification-received' && [r.notification.code, r.notification.subcode]).toEqual([6, 2]);
    expect(describeReason(r)).toBe('received Cease/Administrative Shutdown (6/2): "l2bgwd restarting"');
  });

  it('one side only: de-configuring sends the plain Cease 6/3', async () => {
    const { a, downsAtB, agreedAtB } = await pair(true, false);
    await a.removePeer('127.0.0.1');
    await waitFor(() => downsAtB.length > 0, 'down at B');
    expect(agreedAtB).toEqual([false]);
    const r = downsAtB[0];
    expect(r.kind === 'notification-received' && [r.notification.code, r.notification.subcode, r.notification.data.length]).toEqual([6, 3, 0]);
  });
});
