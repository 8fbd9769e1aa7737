/**
 * NOTIFICATION message (RFC 4271 §4.5): codec, names of codes and subcodes for logs
 * (RFC 4271 §4.5, RFC 4486, RFC 6608, RFC 7313 §5, RFC 9234, RFC 9384, RFC 9687), and the
 * shutdown communication of RFC 9003 carried by Cease/Administrative Shutdown and
 * Cease/Administrative Reset. Data of other NOTIFICATIONs stays raw.
 */
import { CeaseSubcode, ErrorCode } from './types.js';
import type { DecodeResult, NotificationMessage } from './types.js';
import type { Writer } from './writer.js';

/** Decodes a NOTIFICATION body; the framer guarantees its 2 octets of code and subcode. */
export function decodeNotification(body: Buffer): DecodeResult<NotificationMessage> {
  return { ok: true, value: { type: 'notification', code: body[0], subcode: body[1], data: body.subarray(2) }, errors: [] };
}

/** Writes a NOTIFICATION body; message.ts cuts data that would pass 4096 octets. */
export function encodeNotification(w: Writer, m: NotificationMessage): void {
  w.u8(m.code);
  w.u8(m.subcode);
  w.bytes(m.data);
}

const CODE_NAMES: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
  8: 'Send Hold Timer Expired',
};

const SUBCODE_NAMES: Record<number, Record<number, string>> = {
  1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    1: 'Unsupported Version Number', 2: 'Bad Peer AS', 3: 'Bad BGP Identifier', 4: 'Unsupported Optional Parameter',
    5: 'Authentication Failure', 6: 'Unacceptable Hold Time', 7: 'Unsupported Capability', 11: 'Role Mismatch',
  },
  3: {
    1: 'Malformed Attribute List', 2: 'Unrecognized Well-known Attribute', 3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error', 5: 'Attribute Length Error', 6: 'Invalid ORIGIN Attribute', 7: 'AS Routing Loop',
    8: 'Invalid NEXT_HOP Attribute', 9: 'Optional Attribute Error', 10: 'Invalid Network Field', 11: 'Malformed AS_PATH',
  },
  // RFC 6608
  5: {
    1: 'Receive Unexpected Message in OpenSent State', 2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  // RFC 4486, RFC 8538 (Hard Reset), RFC 9384 (BFD Down)
  6: {
    1: 'Maximum Number of Prefixes Reached', 2: 'Administrative Shutdown', 3: 'Peer De-configured', 4: 'Administrative Reset',
    5: 'Connection Rejected', 6: 'Other Configuration Change', 7: 'Connection Collision Resolution', 8: 'Out of Resources',
    9: 'Hard Reset', 10: 'BFD Down',
  },
  // RFC 7313 §5
  7: { 1: 'Invalid Message Length' },
};

/** "Cease/Administrative Shutdown"; unknown values by number. */
export function describeNotification(code: number, subcode: number): string {
  const name = CODE_NAMES[code] ?? `Unknown Error ${code}`;
  const subs = SUBCODE_NAMES[code];
  if (subcode === 0) return subs ? `${name}/Unspecific` : name;
  return `${name}/${subs?.[subcode] ?? `Unknown Subcode ${subcode}`}`;
}

// ---------------------------------------------------------------- RFC 9003

/** RFC 9003 §2: at most 255 octets of UTF-8. */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

/** Whether a NOTIFICATION may carry a shutdown communication (RFC 9003 §2). */
export function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return code === ErrorCode.CEASE && (subcode === CeaseSubcode.ADMIN_SHUTDOWN || subcode === CeaseSubcode.ADMIN_RESET);
}

/** Length octet + UTF-8 text, cut to 255 octets at a character boundary (RFC 9003 §2). */
export function encodeShutdownCommunication(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  let len = bytes.length;
  if (len > MAX_SHUTDOWN_COMMUNICATION) {
    len = MAX_SHUTDOWN_COMMUNICATION;
    // The first octet left out must not be a continuation octet (10xxxxxx) of a kept character.
    while (len > 0 && (bytes[len] & 0xc0) === 0x80) len--;
  }
  const out = Buffer.allocUnsafe(1 + len);
  out[0] = len;
  bytes.copy(out, 1, 0, len);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters, DEL, C1 and the Unicode line separators: escaped so a log entry stays one line. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g;

/** The text with control characters and backslashes escaped (RFC 9003 §5: the peer's text is untrusted). */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * The shutdown communication in NOTIFICATION data (RFC 9003 §2), escaped for logging;
 * safe for any bytes. Empty data or length 0 is an empty text; octets after the text
 * are ignored. A length overrun or invalid UTF-8 is an error that carries a hex dump
 * (RFC 9003 §2 suggests logging malformed communications that way).
 */
export function decodeShutdownCommunication(data: Buffer): { text: string } | { error: string } {
  if (data.length === 0) return { text: '' };
  const len = data[0];
  const hex = data.subarray(0, 1 + MAX_SHUTDOWN_COMMUNICATION).toString('hex');
  if (1 + len > data.length) return { error: `length ${len} overruns the ${data.length - 1} octets present (data ${hex})` };
  try {
    return { text: escapeText(utf8.decode(data.subarray(1, 1 + len))) };
  } catch {
    return { error: `invalid UTF-8 (data ${hex})` };
  }
}
