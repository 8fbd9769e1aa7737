/**
 * RFC 4724 §3 / §4.1: the Restart State (R) bit of our Graceful Restart capability.
 * Pure part: the FSM config carries the flag into the OPEN. Driver part: the speaker
 * sets it for every OPEN sent from now on, without touching sessions already up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildOpen } from '../../src/bgp/fsm/open.js';
import type { FsmConfig } from '../../src/bgp/fsm/types.js';
import { toFsmConfig, withRestarting } from '../../src/bgp/session/config.js';
import type { BgpConfig } from '../../src/bgp/session/config.js';
import { BgpSpeaker } from '../../src/bgp/session/speaker.js';
import { decodeMessage, encodeMessage } from '../../src/bgp/wire/message.js';
import type { Capability, OpenMessage } from '../../src/bgp/wire/types.js';
import { waitFor } from '../support/process.js';

type GrCap = Extract<Capability, { kind: 'graceful-restart' }>;

const BGP: BgpConfig = { routerId: '192.0.2.1', localAs: 65001, peers: [] };
const PEER = { address: '127.0.0.2', remoteAs: 65002, gracefulRestart: true };

function grOf(open: OpenMessage): GrCap | undefined {
  return open.capabilities.find((c): c is GrCap => c.kind === 'graceful-restart');
}

/** The flags octet as it goes on the wire: R is its top bit (RFC 4724 §3). */
function wireRestartFlags(cfg: FsmConfig): number {
  const bytes = encodeMessage(buildOpen(cfg), { fourOctetAs: false });
  // Header 19, version 1, AS 2, hold 2, id 4, opt len 1, then parameters (type 2, len, caps).
  let o = 29;
  while (o < bytes.length) {
    const len = bytes[o + 1];
    for (let c = o + 2; c < o + 2 + len;) {
      if (bytes[c] === 64) return bytes[c + 2];
      c += 2 + bytes[c + 1];
    }
    o += 2 + len;
  }
  throw new Error('no graceful restart capability');
}

describe('the R bit in our OPEN', () => {
  it('is clear on an ordinary start, F set for every family', () => {
    const cfg = toFsmConfig(BGP, PEER);
    const gr = grOf(buildOpen(cfg));
    expect(gr?.restarting).toBe(false);
    expect(gr?.families.every((f) => f.forwardingPreserved)).toBe(true);
    expect(wireRestartFlags(cfg) & 0x80).toBe(0);
  });

  it('is set while restarting, F unchanged, restart time unchanged', () => {
    const cfg = withRestarting(toFsmConfig(BGP, PEER), true);
    const gr = grOf(buildOpen(cfg));
    expect(gr).toMatchObject({ restarting: true, restartTime: 120 });
    expect(gr?.families).toContainEqual({ afi: 25, safi: 70, forwardingPreserved: true });
    expect(wireRestartFlags(cfg) & 0x80).toBe(0x80);
    const back = decodeMessage(encodeMessage(buildOpen(cfg), { fourOctetAs: false }), { fourOctetAs: false });
    expect(back.ok && back.value.type === 'open' && grOf(back.value)?.restarting).toBe(true);
  });

  it('withRestarting flips only the R bit, and leaves a peer without graceful restart alone', () => {
    const cfg = toFsmConfig(BGP, PEER);
    const on = withRestarting(cfg, true);
    expect(on.gracefulRestart).toEqual({ ...cfg.gracefulRestart, restarting: true });
    expect(withRestarting(on, false).gracefulRestart?.restarting).toBe(false);
    expect(withRestarting(cfg, false)).toBe(cfg);
    const plain = withRestarting(toFsmConfig(BGP, { address: '127.0.0.2', remoteAs: 65002 }), true);
    expect(plain.gracefulRestart).toBeUndefined();
    expect(grOf(buildOpen(withRestarting(plain, true)))).toBeUndefined();
  });
});

describe('BgpSpeaker.setRestarting over loopback', () => {
  const speakers: BgpSpeaker[] = [];
  afterEach(async () => {
    await Promise.all(speakers.splice(0).map((s) => s.close()));
  });

  it('the peer sees R=1 while set; clearing it keeps the session and the next one has R=0', async () => {
    const timing = { idleHoldTime: 0.1, idleHoldMax: 0.2, stableTime: 5 };
    const b = new BgpSpeaker({
      config: { routerId: '10.0.0.2', localAs: 65002, listen: { host: '127.0.0.1', port: 0 }, peers: [{ address: '127.0.0.2', remoteAs: 65001, passive: true, gracefulRestart: true }] },
      timing,
    });
    speakers.push(b);
    const seen: boolean[] = [];
    b.on('established', (_p, n) => seen.push(n.peerGracefulRestart?.restarting ?? false));
    await b.start();
    const a = new BgpSpeaker({
      config: { routerId: '10.0.0.1', localAs: 65001, connectRetry: 1, peers: [{ address: '127.0.0.1', remoteAs: 65002, port: b.listenAddress()?.port, localAddress: '127.0.0.2', gracefulRestart: true }] },
      timing,
    });
    speakers.push(a);
    a.setRestarting(true);
    await a.start();
    await waitFor(() => seen.length === 1, 'first session');
    expect(seen).toEqual([true]);

    a.setRestarting(false);
    await new Promise((r) => setTimeout(r, 200));
    // The R bit of a session already up is history: clearing it resets nothing.
    expect(seen).toHaveLength(1);
    expect(a.peers()[0].state).toBe('Established');
    expect(a.peers()[0].messagesOut.open).toBe(1);

    a.peer('127.0.0.1')?.reset();
    await waitFor(() => seen.length === 2, 'second session');
    expect(seen).toEqual([true, false]);
  });
});
