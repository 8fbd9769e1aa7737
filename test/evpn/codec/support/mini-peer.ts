/**
 * A passive BGP listener for capturing what real daemons send: it answers an
 * OPEN with its own (l2vpn/evpn, 4-octet AS), keeps the session alive and
 * records every UPDATE, byte for byte, with the address it came from. Framing
 * and the messages it sends are the product's codec (src/bgp/wire); the
 * product's sessions (src/bgp/session) are left out so that what is captured
 * does not depend on their behaviour.
 */
import * as net from 'node:net';
import { BgpFramer, encodeMessage } from '../../../../src/bgp/wire/message.js';
import { AFI, AS_TRANS, MessageType, SAFI } from '../../../../src/bgp/wire/types.js';
import type { BgpMessage, CodecContext } from '../../../../src/bgp/wire/types.js';

const CTX: CodecContext = { fourOctetAs: true };

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
    const framer = new BgpFramer();
    const from = s.remoteAddress ?? '?';
    const send = (m: BgpMessage): boolean => s.write(encodeMessage(m, CTX));
    s.on('data', (chunk: Buffer) => {
      const { frames, error } = framer.push(chunk);
      for (const f of frames) {
        // The header type is enough to answer; an UPDATE is kept as received (a copy:
        // the frame may be a view of the socket's chunk).
        const type = f[18];
        if (type === MessageType.OPEN) {
          send({
            type: 'open', version: 4, myAs: this.asn > 0xffff ? AS_TRANS : this.asn, holdTime: 90, bgpId: this.bgpId,
            capabilities: [{ kind: 'multiprotocol', afi: AFI.L2VPN, safi: SAFI.EVPN }, { kind: 'four-octet-as', asn: this.asn }],
          });
          send({ type: 'keepalive' });
        } else if (type === MessageType.KEEPALIVE) send({ type: 'keepalive' });
        else if (type === MessageType.UPDATE) this.updates.push({ from, message: Buffer.from(f) });
      }
      if (error) s.destroy();
    });
    s.on('error', () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
