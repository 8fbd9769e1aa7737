/**
 * Whole BGP messages (RFC 4271 §4): decode a frame from BgpFramer, encode a message
 * with its header. The wire layer's entry point; the helpers the session and the RIB
 * need are re-exported here. KEEPALIVE (RFC 4271 §4.4) has no body and lives here.
 * Not implemented: extended messages (RFC 8654), so 4096 octets is the limit.
 */
import { checkHeader } from './framer.js';
import { HeaderSubcode, headerError, u16Data } from './errors.js';
import { decodeNotification, encodeNotification } from './notification.js';
import { decodeOpen, encodeOpen } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh } from './route-refresh.js';
import { decodeUpdate, encodeUpdate } from './update.js';
import { scratch } from './writer.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './types.js';
import type { BgpMessage, CodecContext, DecodeResult } from './types.js';

export { BgpFramer } from './framer.js';
export { describeNotification, decodeShutdownCommunication, encodeShutdownCommunication, carriesShutdownCommunication } from './notification.js';
export { endOfRib, endOfRibFamily, treatAsWithdraw } from './update.js';

/** Decodes one frame (header included), as returned by BgpFramer. */
export function decodeMessage(frame: Buffer, ctx: CodecContext): DecodeResult<BgpMessage> {
  if (frame.length < HEADER_LENGTH) {
    return { ok: false, error: headerError('BGP_ERR_LENGTH', `frame of ${frame.length} octets, shorter than a header`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(frame.length)) };
  }
  const bad = checkHeader(frame, 0);
  if (bad) return { ok: false, error: bad };
  const length = frame.readUInt16BE(16);
  if (length !== frame.length) {
    return { ok: false, error: headerError('BGP_ERR_LENGTH', `length field ${length} but frame of ${frame.length} octets`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(length)) };
  }
  const body = frame.subarray(HEADER_LENGTH);
  switch (frame[18]) {
    case MessageType.OPEN:
      return decodeOpen(body);
    case MessageType.UPDATE:
      return decodeUpdate(body, ctx);
    case MessageType.NOTIFICATION:
      return decodeNotification(body);
    case MessageType.KEEPALIVE:
      return { ok: true, value: { type: 'keepalive' }, errors: [] };
    default:
      // checkHeader admits no other type.
      return decodeRouteRefresh(body, frame);
  }
}

const TYPE_CODE = {
  open: MessageType.OPEN,
  update: MessageType.UPDATE,
  notification: MessageType.NOTIFICATION,
  keepalive: MessageType.KEEPALIVE,
  'route-refresh': MessageType.ROUTE_REFRESH,
} as const;

/**
 * Encodes a message with its header. Throws RangeError past 4096 octets: callers (the
 * RIB's UPDATE packing) keep messages within the limit, so an oversize message is a bug.
 * A NOTIFICATION's data is cut to fit instead (RFC 4271 §4.5 gives it no fixed size).
 */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Buffer {
  const w = scratch.reset();
  w.ensure(HEADER_LENGTH);
  w.buf.fill(0xff, 0, 16);
  w.buf[18] = TYPE_CODE[m.type];
  w.off = HEADER_LENGTH;
  switch (m.type) {
    case 'open':
      encodeOpen(w, m);
      break;
    case 'update':
      encodeUpdate(w, m, ctx);
      break;
    case 'notification':
      encodeNotification(w, m);
      if (w.off > MAX_MESSAGE_LENGTH) w.off = MAX_MESSAGE_LENGTH;
      break;
    case 'keepalive':
      break;
    case 'route-refresh':
      encodeRouteRefresh(w, m);
      break;
  }
  if (w.off > MAX_MESSAGE_LENGTH) throw new RangeError(`${m.type} of ${w.off} octets exceeds ${MAX_MESSAGE_LENGTH}`);
  w.buf.writeUInt16BE(w.off, 16);
  return w.copy();
}
