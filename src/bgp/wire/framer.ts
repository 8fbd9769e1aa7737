/**
 * BGP message framing (RFC 4271 §4.1, §6.1): splits a TCP byte stream into whole
 * messages and checks each header (marker, length, type, per-type minimum length) as
 * soon as its 19 octets are in. Decoding the body is message.ts's job.
 *
 * Frames are views into the received chunk; only a message that straddles chunks is
 * copied, once, into a buffer of its exact size. After a header error the framer
 * stops: the session is reset.
 */
import { HeaderSubcode, headerError, u16Data } from './errors.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './types.js';
import type { WireError } from './types.js';

/** RFC 4271 §4.2–4.5, RFC 2918 §3: the smallest valid message of each type. */
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

/** Checks the header at `off` (19 octets must be there); undefined when it is valid. */
export function checkHeader(buf: Buffer, off: number): WireError | undefined {
  // RFC 4271 §6.1: marker not all ones → 1/1.
  for (let i = 0; i < 16; i += 4) {
    if (buf.readUInt32BE(off + i) !== 0xffffffff) {
      return headerError('BGP_ERR_MARKER', 'marker is not all ones', HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED);
    }
  }
  const length = buf.readUInt16BE(off + 16);
  const type = buf[off + 18];
  // RFC 4271 §6.1: bad length → 1/2 with the length field as data.
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
    return headerError('BGP_ERR_LENGTH', `message length ${length} outside ${HEADER_LENGTH}..${MAX_MESSAGE_LENGTH}`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(length));
  }
  const min = MIN_LENGTH[type];
  // RFC 4271 §6.1: unknown type → 1/3 with the type as data.
  if (min === undefined) {
    return headerError('BGP_ERR_TYPE', `unknown message type ${type}`, HeaderSubcode.BAD_MESSAGE_TYPE, Buffer.from([type]));
  }
  // A KEEPALIVE is exactly 19 octets (RFC 4271 §4.4); ROUTE-REFRESH's exact length is its decoder's (RFC 7313 §5).
  if (length < min || (type === MessageType.KEEPALIVE && length !== min)) {
    return headerError('BGP_ERR_LENGTH', `message length ${length} invalid for type ${type}`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(length));
  }
  return undefined;
}

export class BgpFramer {
  /** Header octets of a message whose header straddles chunks. */
  private readonly head = Buffer.allocUnsafe(HEADER_LENGTH);
  private headHave = 0;
  /** A message that straddles chunks, allocated at its exact length once the header is in. */
  private msg: Buffer | undefined;
  private msgHave = 0;
  private failed = false;

  push(chunk: Buffer): FramerOutput {
    const frames: Buffer[] = [];
    if (this.failed) return { frames };
    let off = 0;

    if (this.headHave > 0) {
      const n = Math.min(HEADER_LENGTH - this.headHave, chunk.length);
      chunk.copy(this.head, this.headHave, 0, n);
      this.headHave += n;
      off = n;
      if (this.headHave < HEADER_LENGTH) return { frames };
      this.headHave = 0;
      const error = this.startMessage(this.head, 0, HEADER_LENGTH);
      if (error) return { frames, error };
    }
    if (this.msg) {
      const n = Math.min(this.msg.length - this.msgHave, chunk.length - off);
      chunk.copy(this.msg, this.msgHave, off, off + n);
      this.msgHave += n;
      off += n;
      if (this.msgHave < this.msg.length) return { frames };
      frames.push(this.msg);
      this.msg = undefined;
    }

    while (chunk.length - off >= HEADER_LENGTH) {
      const error = checkHeader(chunk, off);
      if (error) {
        this.failed = true;
        return { frames, error };
      }
      const length = chunk.readUInt16BE(off + 16);
      if (chunk.length - off < length) break;
      frames.push(chunk.subarray(off, off + length));
      off += length;
    }

    // Keep the tail: the caller may reuse the chunk's memory.
    const rest = chunk.length - off;
    if (rest >= HEADER_LENGTH) {
      // Header already checked above; the message is incomplete.
      this.startMessage(chunk, off, rest);
    } else if (rest > 0) {
      chunk.copy(this.head, 0, off);
      this.headHave = rest;
    }
    return { frames };
  }

  /** Begins a straddling message from `have` octets at `buf[off]` (header included). */
  private startMessage(buf: Buffer, off: number, have: number): WireError | undefined {
    const error = checkHeader(buf, off);
    if (error) {
      this.failed = true;
      return error;
    }
    this.msg = Buffer.allocUnsafe(buf.readUInt16BE(off + 16));
    buf.copy(this.msg, 0, off, off + have);
    this.msgHave = have;
    return undefined;
  }

  /** Octets held back waiting for the rest of a message. */
  get buffered(): number {
    return this.headHave + (this.msg ? this.msgHave : 0);
  }
}
