/**
 * Speakers of our own session layer on loopback, for tests of the session layer itself:
 * two of them set up against each other, or one on its own. Idle holds are short, so a
 * session that goes down comes back at once. Every speaker made here is closed after
 * each test of the suite that called loopbackSpeakers().
 */
import { afterEach } from 'vitest';
import type { BgpConfig } from '../../src/bgp/session/config.js';
import { BgpSpeaker } from '../../src/bgp/session/speaker.js';
import { waitFor } from './process.js';

const TIMING = { idleHoldTime: 0.1, idleHoldMax: 0.2, stableTime: 5 };

export interface SpeakerPairOptions {
  /** hold time of both sides, default 9 */
  holdTime?: number;
  /** graceful restart (RFC 4724) announced by a and by b; default neither */
  gracefulRestart?: { a: boolean; b: boolean };
  /**
   * Runs once a listens and before b starts, when no session can be up yet: the place
   * for event handlers and for setRestarting.
   */
  beforeConnect?(a: BgpSpeaker, b: BgpSpeaker): void;
}

export interface LoopbackSpeakers {
  /** A speaker with `config`, not started. */
  speaker(config: BgpConfig): BgpSpeaker;
  /**
   * a (10.0.0.1, AS 65001) listens on 127.0.0.1 and only accepts b; b (10.0.0.2, AS 65002)
   * connects to it from 127.0.0.2. Resolves once both sides are Established.
   */
  pair(opts?: SpeakerPairOptions): Promise<{ a: BgpSpeaker; b: BgpSpeaker }>;
}

/** Call once at the top of a suite: registers the afterEach that closes what it makes. */
export function loopbackSpeakers(): LoopbackSpeakers {
  const made: BgpSpeaker[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((s) => s.close()));
  });
  const speaker = (config: BgpConfig): BgpSpeaker => {
    const s = new BgpSpeaker({ config, timing: TIMING });
    made.push(s);
    return s;
  };
  return {
    speaker,
    async pair(o = {}) {
      const holdTime = o.holdTime ?? 9;
      const a = speaker({
        routerId: '10.0.0.1', localAs: 65001, holdTime,
        listen: { host: '127.0.0.1', port: 0 },
        peers: [{ address: '127.0.0.2', remoteAs: 65002, passive: true, gracefulRestart: o.gracefulRestart?.a }],
      });
      await a.start();
      const b = speaker({
        routerId: '10.0.0.2', localAs: 65002, holdTime, connectRetry: 1,
        peers: [{ address: '127.0.0.1', remoteAs: 65001, port: a.listenAddress()?.port, localAddress: '127.0.0.2', gracefulRestart: o.gracefulRestart?.b }],
      });
      o.beforeConnect?.(a, b);
      await b.start();
      await waitFor(() => a.peers()[0]?.state === 'Established' && b.peers()[0]?.state === 'Established', 'Established');
      return { a, b };
    },
  };
}
