/**
 * A passive BGP listener for capturing what real daemons send: it answers an
 * OPEN with its own (l2vpn/evpn, 4-octet AS), keeps the session alive and
 * records every UPDATE with the address it came from. Test support only: the
 * product's sessions live in src/bgp/session.
 */
import * as net from 'node:net';
import { buildKeepalive, buildOpen, splitMessages } from './bgp-frames.js';

export interface CapturedUpdate {
  from: string;
  message: Buffer;
}

export class MiniPeer {
  readonly updates: CapturedUpdate[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly asn: number,
    private readonly bgpId: number,
  ) {
    this.server = net.createServer((s) => this.accept(s));
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  private accept(s: net.Socket): void {
    this.sockets.add(s);
    let pending = Buffer.alloc(0);
    const from = s.remoteAddress ?? '?';
    s.on('data', (chunk: Buffer) => {
      const { messages, rest } = splitMessages(Buffer.concat([pending, chunk]));
      pending = Buffer.from(rest);
      for (const m of messages) {
        const type = m[18];
        if (type === 1) s.write(Buffer.concat([buildOpen(this.asn, this.bgpId, 90), buildKeepalive()]));
        else if (type === 4) s.write(buildKeepalive());
        else if (type === 2) this.updates.push({ from, message: Buffer.from(m) });
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
