/**
 * RFC 8538: the graceful restart N bit. We announce it whenever graceful restart is on;
 * when both sides did, a Cease that must still end graceful restart (peer de-configured,
 * maximum prefixes) goes out as a Hard Reset carrying it, and the rest (administrative
 * shutdown, which l2bgwd sends when it stops) stays as is, graceful.
 */
import { describe, expect, it } from 'vitest';
import { buildOpen } from '../../src/bgp/fsm/open.js';
import type { DownReason } from '../../src/bgp/fsm/types.js';
import { toFsmConfig } from '../../src/bgp/session/config.js';
import { describeReason } from '../../src/bgp/session/peer.js';
import type { BgpSpeaker } from '../../src/bgp/session/speaker.js';
import { loopbackSpeakers } from '../support/bgp-speakers.js';
import { waitFor } from '../support/process.js';

const speakers = loopbackSpeakers();

/** b connects to a and is the side that ends the session; a records why it went down. */
async function pair(gracefulRestart: { a: boolean; b: boolean }): Promise<{ b: BgpSpeaker; downsAtA: DownReason[]; agreedAtA: boolean[] }> {
  const downsAtA: DownReason[] = [];
  // Whether the session that went down had agreed on the N bit, as the daemon reads it then.
  const agreedAtA: boolean[] = [];
  const record = (a: BgpSpeaker): void => {
    a.on('down', (p, r) => {
      downsAtA.push(r);
      agreedAtA.push(p.notificationAgreed);
    });
  };
  const { b } = await speakers.pair({ gracefulRestart, beforeConnect: record });
  return { b, downsAtA, agreedAtA };
}

describe('the N bit', () => {
  it('is in our OPEN whenever graceful restart is on', () => {
    const cfg = toFsmConfig({ routerId: '192.0.2.1', localAs: 65001 }, { address: '127.0.0.2', remoteAs: 65002, gracefulRestart: true });
    expect(buildOpen(cfg).capabilities.find((c) => c.kind === 'graceful-restart')).toMatchObject({ notification: true, restarting: false });
  });

  it('both sides: de-configuring the peer sends Hard Reset carrying Cease/Peer De-configured', async () => {
    const { b, downsAtA } = await pair({ a: true, b: true });
    await b.removePeer('127.0.0.1');
    await waitFor(() => downsAtA.length > 0, 'down at a');
    const r = downsAtA[0];
    expect(r.kind).toBe('notification-received');
    if (r.kind !== 'notification-received') return;
    expect([r.notification.code, r.notification.subcode]).toEqual([6, 9]);
    expect([...r.notification.data]).toEqual([6, 3]);
    expect(describeReason(r)).toBe('received Cease/Hard Reset (6/9) for Cease/Peer De-configured (6/3)');
  });

  it('both sides: administrative shutdown stays Cease 6/2 with its communication (graceful)', async () => {
    const { b, downsAtA, agreedAtA } = await pair({ a: true, b: true });
    await b.shutdown('all', 'l2bgwd restarting');
    await waitFor(() => downsAtA.length > 0, 'down at a');
    expect(agreedAtA).toEqual([true]);
    const r = downsAtA[0];
    expect(r.kind === 'notification-received' && [r.notification.code, r.notification.subcode]).toEqual([6, 2]);
    expect(describeReason(r)).toBe('received Cease/Administrative Shutdown (6/2): "l2bgwd restarting"');
  });

  it('one side only: de-configuring sends the plain Cease 6/3', async () => {
    const { b, downsAtA, agreedAtA } = await pair({ a: false, b: true });
    await b.removePeer('127.0.0.1');
    await waitFor(() => downsAtA.length > 0, 'down at a');
    expect(agreedAtA).toEqual([false]);
    const r = downsAtA[0];
    expect(r.kind === 'notification-received' && [r.notification.code, r.notification.subcode, r.notification.data.length]).toEqual([6, 3, 0]);
  });
});
