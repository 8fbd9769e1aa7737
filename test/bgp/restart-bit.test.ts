/**
 * RFC 4724 §3 / §4.1: the Restart State (R) bit of our Graceful Restart capability.
 * Pure part: the FSM config carries the flag into the OPEN. Driver part: the speaker
 * sets it for every OPEN sent from now on, without touching sessions already up.
 */
import { describe, expect, it } from 'vitest';
import { buildOpen } from '../../src/bgp/fsm/open.js';
import type { FsmConfig } from '../../src/bgp/fsm/types.js';
import { toFsmConfig, withRestarting } from '../../src/bgp/session/config.js';
import type { BgpConfig } from '../../src/bgp/session/config.js';
import { decodeMessage, encodeMessage } from '../../src/bgp/wire/message.js';
import type { Capability, OpenMessage } from '../../src/bgp/wire/types.js';
import { loopbackSpeakers } from '../support/bgp-speakers.js';
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
  const speakers = loopbackSpeakers();

  it('the peer sees R=1 while set; clearing it keeps the session and the next one has R=0', async () => {
    // b, which connects, restarts; a records the R bit of each session's OPEN from b.
    const seen: boolean[] = [];
    const { b } = await speakers.pair({
      gracefulRestart: { a: true, b: true },
      beforeConnect: (a, b) => {
        a.on('established', (_p, n) => seen.push(n.peerGracefulRestart?.restarting ?? false));
        b.setRestarting(true);
      },
    });
    expect(seen).toEqual([true]);

    b.setRestarting(false);
    await new Promise((r) => setTimeout(r, 200));
    // The R bit of a session already up is history: clearing it resets nothing.
    expect(seen).toHaveLength(1);
    expect(b.peers()[0].state).toBe('Established');
    expect(b.peers()[0].messagesOut.open).toBe(1);

    b.peer('127.0.0.1')?.reset();
    await waitFor(() => seen.length === 2, 'second session');
    expect(seen).toEqual([true, false]);
  });
});
