/**
 * BGP message framing (RFC 4271 §4.1, §6.1): splits a TCP byte stream into whole
 * messages and checks each header (marker, length, type, per-type minimum length).
 * Decoding the body is message.ts's job.
 *
 * Frames are views into the received chunk; only a message that straddles chunks is
 * copied once. After a header error the framer stops: the session is reset.
 */
import { HeaderSubcode, headerError, u16Data } from './errors.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './types.js';
import type { WireError } from './types.js';

/** RFC 4271 §4.2–4.5, RFC 2918 §3 */
const MIN_LENGTH: Record<number, number> = {
  [MessageType.OPEN]: 29,
  [MessageType.UPDATE]: 23,
  [MessageType.NOTIFICATION]: 21,
  [MessageType.KEEPALIVE]: 19,
  [MessageType.ROUTE_REFRESH]: 23,
};

export interface FramerOutput {
  frames: Buffer[];
  error?: WireError;
}

/** Checks one header; `undefined` when it is valid. */
export function checkHeader(buf: Buffer, off: number): WireError | undefined {
  for (let i = 0; i < 16; i += 4) {
    if (buf.readUInt32BE(off + i) !== 0xffffffff) {
      return headerError('BGP_ERR_MARKER', 'marker is not all ones', HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED);
    }
  }
  const length = buf.readUInt16BE(off + 16);
  const type = buf[off + 18];
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
    return headerError('BGP_ERR_LENGTH', `message length ${length} outside 19..4096`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(length));
  }
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    return headerError('BGP_ERR_TYPE', `unknown message type ${type}`, HeaderSubcode.BAD_MESSAGE_TYPE, Buffer.from([type]));
  }
  // KEEPALIVE is exactly 19 octets (§4.4); ROUTE-REFRESH length is checked by its decoder (RFC 7313 §5).
  if (length < min || (type === MessageType.KEEPALIVE && length !== min)) {
    return headerError('BGP_ERR_LENGTH', `message length ${length} invalid for type ${type}`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(length));
  }
  return undefined;
}

export class BgpFramer {
  private pending: Buffer | undefined;
  private failed = false;

  push(chunk: Buffer): FramerOutput {
    const frames: Buffer[] = [];
    if (this.failed) return { frames };
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let off = 0;
    while (buf.length - off >= HEADER_LENGTH) {
      const error = checkHeader(buf, off);
      if (error) {
        this.failed = true;
        return { frames, error };
      }
      const length = buf.readUInt16BE(off + 16);
      if (buf.length - off < length) break;
      frames.push(buf.subarray(off, off + length));
      off += length;
    }
    if (off < buf.length) {
      // Copy the tail: the caller may reuse the chunk's memory.
      this.pending = Buffer.from(buf.subarray(off));
    }
    return { frames };
  }

  /** Octets held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
