/**
 * Sessions against real FRR bgpd and gobgpd on loopback, l2vpn/evpn, ports picked at run
 * time. l2bgw is 127.0.0.1, FRR 127.0.0.2, GoBGP 127.0.0.3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { DownReason } from '../src/bgp/fsm/types.js';
import type { PeerSnapshot } from '../src/bgp/session/peer.js';
import { startFrr, startGobgp } from '../test/support/bgp-peers.js';
import type { FrrBgpd, Gobgpd } from '../test/support/bgp-peers.js';
import { freePort, waitFor } from '../test/support/process.js';
import { gobgpPeerConfig } from '../test/support/daemon-lab.js';

const US = '127.0.0.1';
const FRR = '127.0.0.2';
const GOBGP = '127.0.0.3';
const LOCAL_AS = 65010;

let speaker: BgpSpeaker;
let frr: FrrBgpd;
let gobgp: Gobgpd;
const downs: Array<{ peer: string; reason: DownReason }> = [];

function frrConfig(ourPort: number): string {
  return [
    'frr defaults datacenter',
    'hostname frr-conformance',
    '!',
    'router bgp 65000',
    ' bgp router-id 10.0.0.2',
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ` neighbor ${US} remote-as ${LOCAL_AS}`,
    ` neighbor ${US} port ${ourPort}`,
    ` neighbor ${US} update-source ${FRR}`,
    ` neighbor ${US} timers 3 9`,
    ` neighbor ${US} timers connect 1`,
    ' address-family l2vpn evpn',
    `  neighbor ${US} activate`,
    ' exit-address-family',
    '!',
  ].join('\n') + '\n';
}

function snapshot(peer: string): PeerSnapshot | undefined {
  return speaker.peer(peer)?.snapshot();
}

function untilEstablished(peer: string, what: string): Promise<void> {
  return waitFor(() => snapshot(peer)?.state === 'Established', what, 30_000);
}

beforeAll(async () => {
  const ourPort = await freePort(US);
  [frr, gobgp] = await Promise.all([
    startFrr({ config: frrConfig(ourPort), listenAddress: FRR }),
    startGobgp({
      config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.3', neighbor: US, as: 65001, peerAs: LOCAL_AS, remotePort: ourPort, holdTime: 9, connectRetry: 1 }),
    }),
  ]);
  speaker = new BgpSpeaker({
    config: {
      routerId: '10.0.0.1', localAs: LOCAL_AS, holdTime: 9, connectRetry: 1,
      listen: { host: US, port: ourPort },
      peers: [
        { address: FRR, remoteAs: 65000, port: frr.port, localAddress: US, gracefulRestart: true },
        { address: GOBGP, remoteAs: 65001, port: gobgp.port, localAddress: US },
      ],
    },
    timing: { idleHoldTime: 0.5, idleHoldMax: 2, stableTime: 10 },
  });
  speaker.on('down', (p, reason) => downs.push({ peer: p.address, reason }));
  await speaker.start();
});

afterAll(async () => {
  await speaker?.close();
  await Promise.all([frr?.dispose(), gobgp?.dispose()]);
});

describe('against FRR bgpd', () => {
  it('reaches Established with l2vpn/evpn', async () => {
    await untilEstablished(FRR, 'FRR Established');
    const snap = snapshot(FRR);
    expect(snap?.negotiated?.families).toContainEqual({ afi: 25, safi: 70 });
    expect(snap?.negotiated?.holdTime).toBe(9);
    const n = await frr.json<Record<string, { bgpState: string }>>(`show bgp neighbors ${US} json`);
    expect(n[US].bgpState).toBe('Established');
  });

  it('keepalives flow both ways', async () => {
    await untilEstablished(FRR, 'FRR Established');
    const before = snapshot(FRR)?.messagesIn.keepalive ?? 0;
    await new Promise((r) => setTimeout(r, 4000));
    const after = snapshot(FRR)?.messagesIn.keepalive ?? 0;
    expect(after).toBeGreaterThan(before);
    const n = await frr.json<Record<string, { messageStats: { keepalivesRecv: number } }>>(`show bgp neighbors ${US} json`);
    expect(n[US].messageStats.keepalivesRecv).toBeGreaterThan(0);
  });

  it('FRR shutdown with a message is seen as Cease 6/2 (in a Hard Reset) with its text', async () => {
    await untilEstablished(FRR, 'FRR Established');
    downs.length = 0;
    await frr.configure('router bgp 65000', `neighbor ${US} shutdown message going down for maintenance`);
    await waitFor(() => downs.some((d) => d.peer === FRR), 'down from FRR');
    const d = downs.find((x) => x.peer === FRR)?.reason;
    expect(d?.kind).toBe('notification-received');
    if (d?.kind !== 'notification-received') return;
    // FRR wraps it in a Hard Reset (RFC 8538 §3) since both sides announce the N bit.
    const n = d.notification.subcode === 9 ? { code: d.notification.data[0], subcode: d.notification.data[1] } : d.notification;
    expect([n.code, n.subcode]).toEqual([6, 2]);
    expect(snapshot(FRR)?.lastError).toContain('going down for maintenance');
    await frr.configure('router bgp 65000', `no neighbor ${US} shutdown`);
    await untilEstablished(FRR, 'FRR back');
  });

  it('our shutdown reaches FRR as administratively shut down with our text', async () => {
    await untilEstablished(FRR, 'FRR Established');
    await speaker.shutdown(FRR, 'l2bgw maintenance');
    type Neighbor = { bgpState: string; lastNotificationReason?: string; lastShutdownDescription?: string };
    let n: Neighbor | undefined;
    await waitFor(async () => {
      n = (await frr.json<Record<string, Neighbor>>(`show bgp neighbors ${US} json`))[US];
      return n.bgpState !== 'Established' && n.lastShutdownDescription !== undefined;
    }, 'FRR sees the session down');
    expect(n?.lastNotificationReason).toBe('Cease/Administrative Shutdown');
    expect(n?.lastShutdownDescription).toBe('l2bgw maintenance');
    speaker.enable(FRR);
    await untilEstablished(FRR, 'FRR back');
  });

  it('a restart of bgpd brings the session back', async () => {
    await untilEstablished(FRR, 'FRR Established');
    await frr.restart();
    await untilEstablished(FRR, 'FRR back after restart');
  });
});

describe('against gobgpd', () => {
  it('reaches Established with l2vpn/evpn', async () => {
    await untilEstablished(GOBGP, 'GoBGP Established');
    const snap = snapshot(GOBGP);
    expect(snap?.negotiated?.families).toEqual([{ afi: 25, safi: 70 }]);
    expect(await gobgp.sessionState(US)).toBe('established');
  });

  it('keepalives flow', async () => {
    await untilEstablished(GOBGP, 'GoBGP Established');
    const before = snapshot(GOBGP)?.messagesIn.keepalive ?? 0;
    await new Promise((r) => setTimeout(r, 4000));
    expect(snapshot(GOBGP)?.messagesIn.keepalive ?? 0).toBeGreaterThan(before);
  });

  it('gobgp neighbor disable is seen as Cease 6/2', async () => {
    await untilEstablished(GOBGP, 'GoBGP Established');
    downs.length = 0;
    await gobgp.gobgp('neighbor', US, 'disable');
    await waitFor(() => downs.some((d) => d.peer === GOBGP), 'down from GoBGP');
    const d = downs.find((x) => x.peer === GOBGP)?.reason;
    expect(d?.kind).toBe('notification-received');
    if (d?.kind !== 'notification-received') return;
    expect([d.notification.code, d.notification.subcode]).toEqual([6, 2]);
    await gobgp.gobgp('neighbor', US, 'enable');
    await untilEstablished(GOBGP, 'GoBGP back');
  });

  it('our shutdown reaches GoBGP with Cease 6/2', async () => {
    await untilEstablished(GOBGP, 'GoBGP Established');
    await speaker.shutdown(GOBGP, 'bye gobgp');
    await waitFor(async () => (await gobgp.sessionState(US)) !== 'established', 'GoBGP sees it down');
    // GoBGP logs the NOTIFICATION it received as JSON, with the decoded RFC 9003 text.
    await waitFor(() => gobgp.notifications().some((r) => r['Communicated-Reason'] === 'bye gobgp'), 'GoBGP logs the notification', 5000);
    expect(gobgp.notifications().find((r) => r['Communicated-Reason'] === 'bye gobgp')).toMatchObject({ Code: 6, Subcode: 2 });
    speaker.enable(GOBGP);
    await untilEstablished(GOBGP, 'GoBGP back');
  });

  it('a restart of gobgpd brings the session back', async () => {
    await untilEstablished(GOBGP, 'GoBGP Established');
    await gobgp.restart();
    await untilEstablished(GOBGP, 'GoBGP back after restart');
  });
});
