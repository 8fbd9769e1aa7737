/**
 * Decode errors as data: each carries the NOTIFICATION to send (RFC 4271 §6), the
 * RFC 7606 action, and a stable code string for logs and metrics. Nothing here sends
 * or logs; the session driver and the RIB act on the action.
 */
import { ErrorCode } from './types.js';
import type { ErrorAction, WireError } from './types.js';

export const HeaderSubcode = { CONNECTION_NOT_SYNCHRONIZED: 1, BAD_MESSAGE_LENGTH: 2, BAD_MESSAGE_TYPE: 3 } as const;

export const OpenSubcode = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
} as const;

export const UpdateSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN: 2,
  MISSING_WELL_KNOWN: 3,
  ATTRIBUTE_FLAGS: 4,
  ATTRIBUTE_LENGTH: 5,
  INVALID_ORIGIN: 6,
  INVALID_NEXT_HOP: 8,
  OPTIONAL_ATTRIBUTE: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** RFC 7313 §5 */
export const RouteRefreshSubcode = { INVALID_MESSAGE_LENGTH: 1 } as const;

const EMPTY = Buffer.alloc(0);

export function wireError(
  code: string,
  message: string,
  action: ErrorAction,
  notifCode: number,
  notifSubcode: number,
  data: Buffer = EMPTY,
  attrType?: number,
): WireError {
  const e: WireError = { code, message, action, notification: { code: notifCode, subcode: notifSubcode, data } };
  if (attrType !== undefined) e.attrType = attrType;
  return e;
}

export function headerError(code: string, message: string, subcode: number, data: Buffer = EMPTY): WireError {
  return wireError(code, message, 'session-reset', ErrorCode.MESSAGE_HEADER, subcode, data);
}

export function openError(code: string, message: string, subcode: number, data: Buffer = EMPTY): WireError {
  return wireError(code, message, 'session-reset', ErrorCode.OPEN_MESSAGE, subcode, data);
}

export function updateError(code: string, message: string, action: ErrorAction, subcode: number, data: Buffer = EMPTY, attrType?: number): WireError {
  return wireError(code, message, action, ErrorCode.UPDATE_MESSAGE, subcode, data, attrType);
}

/** 2-octet big-endian value as NOTIFICATION data (bad lengths, RFC 4271 §6.1). */
export function u16Data(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n & 0xffff, 0);
  return b;
}
