/**
 * ROUTE-REFRESH message (RFC 2918 §3) with the subtypes of enhanced route refresh
 * (RFC 7313 §3.2: 0 request, 1 BoRR, 2 EoRR). Any other subtype is decoded as is: RFC
 * 7313 §5 has the receiver ignore it, which is the session's call.
 */
import { HeaderSubcode, RouteRefreshSubcode, headerError, u16Data, wireError } from './errors.js';
import { ErrorCode, HEADER_LENGTH } from './types.js';
import type { DecodeResult, RouteRefreshMessage } from './types.js';
import type { Writer } from './writer.js';

export const RouteRefreshSubtype = { REQUEST: 0, BORR: 1, EORR: 2 } as const;

/** Decodes a ROUTE-REFRESH body; `frame` is the whole message, the error data of RFC 7313 §5. */
export function decodeRouteRefresh(body: Buffer, frame: Buffer): DecodeResult<RouteRefreshMessage> {
  if (body.length !== 4) {
    const subtype = body[2];
    // RFC 7313 §5: a BoRR/EoRR of the wrong length is 7/1 with the whole message as data.
    if (subtype === RouteRefreshSubtype.BORR || subtype === RouteRefreshSubtype.EORR) {
      return {
        ok: false,
        error: wireError('BGP_ERR_ROUTE_REFRESH_LENGTH', `ROUTE-REFRESH of ${frame.length} octets`, 'session-reset', ErrorCode.ROUTE_REFRESH, RouteRefreshSubcode.INVALID_MESSAGE_LENGTH, Buffer.from(frame)),
      };
    }
    // RFC 2918 §3 fixes the length at 23: otherwise a header length error (RFC 4271 §6.1).
    return { ok: false, error: headerError('BGP_ERR_LENGTH', `ROUTE-REFRESH of ${frame.length} octets`, HeaderSubcode.BAD_MESSAGE_LENGTH, u16Data(HEADER_LENGTH + body.length)) };
  }
  return { ok: true, value: { type: 'route-refresh', afi: body.readUInt16BE(0), subtype: body[2], safi: body[3] }, errors: [] };
}

export function encodeRouteRefresh(w: Writer, m: RouteRefreshMessage): void {
  w.u16(m.afi);
  w.u8(m.subtype);
  w.u8(m.safi);
}
