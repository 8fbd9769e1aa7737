/**
 * The BGP speaker: an optional listener and the configured peers.
 *
 * Connections from addresses that are not configured peers are closed before a byte is
 * read (no OPEN is ever parsed from them), counted, and logged at debug level. Each peer
 * runs its own FSM behind its own mailbox (see peer.ts). The layers above get a small
 * evented API: `established`, `update`, `routeRefresh`, `down`, `stateChange`, plus
 * `rejected` for refused connections.
 *
 * RFC 4271 §8 (start/stop), RFC 4486 (Cease 2 admin shutdown, 3 peer de-configured,
 * 6 other configuration change), RFC 9003 (shutdown communication).
 */
import { EventEmitter } from 'node:events';
import { createServer, isIPv4 } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { encodeShutdownCommunication } from '../wire/message.js';
import { CeaseSubcode } from '../wire/types.js';
import type { Family, UpdateMessage, WireError } from '../wire/types.js';
import type { DownReason, FsmConfig, Negotiated, SessionState } from '../fsm/types.js';
import { DEFAULT_TIMING, needsReset, toFsmConfig, withRestarting } from './config.js';
import type { BgpConfig, PeerConfig, SessionTiming } from './config.js';
import { Peer } from './peer.js';
import type { PeerListener, PeerSnapshot } from './peer.js';

export interface SpeakerEvents {
  established: [peer: Peer, negotiated: Negotiated];
  /** `errors`: non-fatal RFC 7606 errors (treat-as-withdraw, attribute discard); the RIB decides. */
  update: [peer: Peer, update: UpdateMessage, errors: WireError[]];
  routeRefresh: [peer: Peer, family: Family, subtype: number];
  down: [peer: Peer, reason: DownReason];
  stateChange: [peer: Peer, from: SessionState, to: SessionState];
  /** A connection from an address that is no configured peer, closed unread. */
  rejected: [remoteAddress: string];
}

export interface SpeakerOptions {
  config: BgpConfig;
  logger?: Logger;
  timing?: Partial<SessionTiming>;
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as plain IPv4, so accepted sockets match the config. */
export function normalizeAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (m && isIPv4(m[1])) return m[1];
  return a.toLowerCase();
}

export class BgpSpeaker extends EventEmitter<SpeakerEvents> {
  /** The speaker-wide settings; each peer keeps its own PeerConfig. */
  private readonly bgp: Omit<BgpConfig, 'peers'>;
  private readonly timing: SessionTiming;
  private readonly log: Logger | undefined;
  private readonly byAddress = new Map<string, Peer>();
  private server: Server | undefined;
  private started = false;
  /** RFC 4724 §4.1: we restarted and do not have every peer's table yet. */
  private restarting = false;
  /** Connections refused because their source is no configured peer. */
  rejectedConnections = 0;

  private readonly relay: PeerListener = {
    established: (p, n) => this.emit('established', p, n),
    update: (p, u, e) => this.emit('update', p, u, e),
    routeRefresh: (p, f, s) => this.emit('routeRefresh', p, f, s),
    down: (p, r) => this.emit('down', p, r),
    stateChange: (p, f, t) => this.emit('stateChange', p, f, t),
  };

  constructor(opts: SpeakerOptions) {
    super();
    const { peers, ...bgp } = opts.config;
    this.bgp = bgp;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.log = opts.logger;
    for (const p of peers) this.addPeer(p);
  }

  /** Listens when configured, then starts every peer. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const listen = this.bgp.listen;
    if (listen) {
      const server = createServer({ noDelay: true }, (s) => this.accept(s));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: listen.host, port: listen.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (err) => this.log?.error({ err: err.message }, 'bgp listener error'));
    }
    for (const p of this.byAddress.values()) p.start();
  }

  /** The bound listening address (port 0 in the config binds a free port). */
  listenAddress(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    if (!a || typeof a === 'string') return undefined;
    return { host: (a as AddressInfo).address, port: (a as AddressInfo).port };
  }

  peer(address: string): Peer | undefined {
    return this.byAddress.get(normalizeAddress(address));
  }

  peers(): PeerSnapshot[] {
    const now = Date.now();
    return [...this.byAddress.values()].map((p) => p.snapshot(now));
  }

  addPeer(cfg: PeerConfig): Peer {
    const key = normalizeAddress(cfg.address);
    const existing = this.byAddress.get(key);
    if (existing) {
      this.updatePeer(cfg);
      return existing;
    }
    const peer = new Peer({ ...cfg, address: key }, this.fsmConfig(cfg), this.relay, this.log?.child({ peer: key }));
    this.byAddress.set(key, peer);
    if (this.started) peer.start();
    return peer;
  }

  /** Config reload: reset the session only when something it negotiated changed (Cease 6/6). */
  updatePeer(cfg: PeerConfig): void {
    const peer = this.peer(cfg.address);
    if (!peer) {
      this.addPeer(cfg);
      return;
    }
    const next = { ...cfg, address: peer.address };
    peer.reconfigure(next, needsReset(peer.config, next) ? this.fsmConfig(next) : undefined);
  }

  /**
   * RFC 4724 §4.1: while set, every OPEN carries the Restart State bit, telling the peers
   * we restarted (they keep our routes stale and need not wait for our End-of-RIB).
   */
  setRestarting(restarting: boolean): void {
    this.restarting = restarting;
    for (const p of this.byAddress.values()) p.setRestarting(restarting);
  }

  get isRestarting(): boolean {
    return this.restarting;
  }

  /** Sends Cease 6/3 (peer de-configured), waits for the close, forgets the peer. */
  async removePeer(address: string): Promise<void> {
    const peer = this.peer(address);
    if (!peer) return;
    this.byAddress.delete(peer.address);
    await peer.stop(CeaseSubcode.PEER_DECONFIGURED);
    peer.destroy();
  }

  /** Sends UPDATEs to an Established peer in one socket write; false when not Established. */
  sendUpdates(peer: Peer | string, updates: UpdateMessage[]): boolean {
    const p = typeof peer === 'string' ? this.peer(peer) : peer;
    return p ? p.sendUpdates(updates) : false;
  }

  /**
   * Administrative shutdown (Cease 6/2) with an optional RFC 9003 communication; the peer
   * stays Idle until `enable`. Resolves when its connections are closed.
   */
  async shutdown(peer: Peer | string | 'all', communication?: string): Promise<void> {
    const data = communication === undefined ? undefined : encodeShutdownCommunication(communication);
    const targets = peer === 'all' ? [...this.byAddress.values()] : [typeof peer === 'string' ? this.peer(peer) : peer];
    await Promise.all(targets.map((p) => p?.stop(CeaseSubcode.ADMIN_SHUTDOWN, data)));
  }

  /** Starts a peer again after `shutdown`. */
  enable(peer: Peer | string): void {
    (typeof peer === 'string' ? this.peer(peer) : peer)?.start();
  }

  /** Shuts every peer down (6/2, with the communication), stops listening, clears all timers. */
  async close(communication?: string): Promise<void> {
    // Stop accepting first; the listener's close completes once the peers' sockets are gone.
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await this.shutdown('all', communication);
    for (const p of this.byAddress.values()) p.destroy();
    await closed;
    this.started = false;
  }

  /** A peer's FSM config, with the R bit as the speaker stands now. */
  private fsmConfig(cfg: PeerConfig): FsmConfig {
    return withRestarting(toFsmConfig(this.bgp, cfg, this.timing), this.restarting);
  }

  private accept(socket: Socket): void {
    const remote = normalizeAddress(socket.remoteAddress ?? '');
    const peer = this.byAddress.get(remote);
    if (!peer) {
      // Refused before anything is read from it.
      this.rejectedConnections += 1;
      this.log?.debug({ remote, port: socket.remotePort }, 'bgp connection from unconfigured address refused');
      socket.destroy();
      this.emit('rejected', remote);
      return;
    }
    peer.offer(socket);
  }
}
