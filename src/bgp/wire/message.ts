/**
 * Whole BGP messages (RFC 4271 §4): decode a frame from BgpFramer, encode a message
 * with its header. This is the wire layer's entry point; the helpers the session
 * and RIB need are re-exported here.
 */
import { checkHeader } from './framer.js';
import { RouteRefreshSubcode, wireError } from './errors.js';
import { decodeOpen, encodeOpen } from './open.js';
import { decodeUpdate, encodeUpdate } from './update.js';
import { ErrorCode, HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './types.js';
import type { BgpMessage, CodecContext, DecodeResult } from './types.js';

export { describeNotification, decodeShutdownCommunication, encodeShutdownCommunication } from './notification.js';
export { endOfRib, endOfRibFamily, treatAsWithdraw } from './update.js';

/** Decodes one frame (header included) as returned by BgpFramer. */
export function decodeMessage(frame: Buffer, ctx: CodecContext): DecodeResult<BgpMessage> {
  if (frame.length < HEADER_LENGTH) {
    return { ok: false, error: wireError('BGP_ERR_LENGTH', 'frame shorter than a header', 'session-reset', ErrorCode.MESSAGE_HEADER, 2) };
  }
  const headerError = checkHeader(frame, 0);
  if (headerError) return { ok: false, error: headerError };
  const body = frame.subarray(HEADER_LENGTH, frame.readUInt16BE(16));
  switch (frame[18]) {
    case MessageType.OPEN:
      return decodeOpen(body);
    case MessageType.UPDATE:
      return decodeUpdate(body, ctx);
    case MessageType.NOTIFICATION:
      return { ok: true, value: { type: 'notification', code: body[0], subcode: body[1], data: body.subarray(2) }, errors: [] };
    case MessageType.KEEPALIVE:
      return { ok: true, value: { type: 'keepalive' }, errors: [] };
    default: {
      // ROUTE-REFRESH (RFC 2918 §3, RFC 7313 §5): exactly 4 octets of body.
      if (body.length !== 4) {
        return {
          ok: false,
          error: wireError('BGP_ERR_ROUTE_REFRESH_LENGTH', `ROUTE-REFRESH of ${frame.length} octets`, 'session-reset', ErrorCode.ROUTE_REFRESH, RouteRefreshSubcode.INVALID_MESSAGE_LENGTH, Buffer.from(frame)),
        };
      }
      return { ok: true, value: { type: 'route-refresh', afi: body.readUInt16BE(0), subtype: body[2], safi: body[3] }, errors: [] };
    }
  }
}

function body(m: BgpMessage, ctx: CodecContext): { type: number; body: Buffer } {
  switch (m.type) {
    case 'open':
      return { type: MessageType.OPEN, body: encodeOpen(m) };
    case 'update':
      return { type: MessageType.UPDATE, body: encodeUpdate(m, ctx) };
    case 'notification':
      return { type: MessageType.NOTIFICATION, body: Buffer.concat([Buffer.from([m.code, m.subcode]), m.data]) };
    case 'keepalive':
      return { type: MessageType.KEEPALIVE, body: Buffer.alloc(0) };
    case 'route-refresh': {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt16BE(m.afi, 0);
      b[2] = m.subtype;
      b[3] = m.safi;
      return { type: MessageType.ROUTE_REFRESH, body: b };
    }
  }
}

/**
 * Encodes a message with its header. Throws RangeError past 4096 octets: callers
 * (the RIB's UPDATE packing) keep messages within the limit; a NOTIFICATION's data
 * is cut to fit (RFC 4271 §4.5 puts no floor on it).
 */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Buffer {
  const { type, body: b } = body(m, ctx);
  let payload = b;
  if (HEADER_LENGTH + payload.length > MAX_MESSAGE_LENGTH) {
    if (m.type !== 'notification') throw new RangeError(`${m.type} of ${HEADER_LENGTH + payload.length} octets exceeds ${MAX_MESSAGE_LENGTH}`);
    payload = payload.subarray(0, MAX_MESSAGE_LENGTH - HEADER_LENGTH);
  }
  const out = Buffer.allocUnsafe(HEADER_LENGTH + payload.length);
  out.fill(0xff, 0, 16);
  out.writeUInt16BE(out.length, 16);
  out[18] = type;
  payload.copy(out, HEADER_LENGTH);
  return out;
}
