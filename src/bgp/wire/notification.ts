/**
 * NOTIFICATION (RFC 4271 §4.5) names for logs, and the shutdown communication of
 * RFC 9003 carried by Cease/Administrative Shutdown and Cease/Administrative Reset.
 */
import { ErrorCode } from './types.js';

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
    6: 'Unacceptable Hold Time', 7: 'Unsupported Capability', 11: 'Role Mismatch',
  },
  3: {
    1: 'Malformed Attribute List', 2: 'Unrecognized Well-known Attribute', 3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error', 5: 'Attribute Length Error', 6: 'Invalid ORIGIN Attribute', 8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error', 10: 'Invalid Network Field', 11: 'Malformed AS_PATH',
  },
  // RFC 6608
  5: { 1: 'Receive Unexpected Message in OpenSent State', 2: 'Receive Unexpected Message in OpenConfirm State', 3: 'Receive Unexpected Message in Established State' },
  // RFC 4486, RFC 9384
  6: {
    1: 'Maximum Number of Prefixes Reached', 2: 'Administrative Shutdown', 3: 'Peer De-configured', 4: 'Administrative Reset',
    5: 'Connection Rejected', 6: 'Other Configuration Change', 7: 'Connection Collision Resolution', 8: 'Out of Resources',
    9: 'Hard Reset', 10: 'BFD Down',
  },
  7: { 1: 'Invalid Message Length' },
};

/** "Cease/Administrative Shutdown"; unknown codes by number. */
export function describeNotification(code: number, subcode: number): string {
  const name = CODE_NAMES[code] ?? `Error ${code}`;
  if (subcode === 0) return `${name}/Unspecific`;
  return `${name}/${SUBCODE_NAMES[code]?.[subcode] ?? `Subcode ${subcode}`}`;
}

/** RFC 9003 §2: at most 255 octets of UTF-8. */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

/** Length octet + UTF-8 text, truncated at a character boundary to 255 octets. */
export function encodeShutdownCommunication(text: string): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_SHUTDOWN_COMMUNICATION) {
    let cut = MAX_SHUTDOWN_COMMUNICATION;
    // Back up over UTF-8 continuation octets (10xxxxxx) so no character is split.
    while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

/**
 * The shutdown communication in NOTIFICATION data (RFC 9003 §2), or undefined when the
 * data carries none or is malformed (length overrun, invalid UTF-8). The text is the
 * peer's: callers escape it before logging (RFC 9003 §5).
 */
export function decodeShutdownCommunication(data: Buffer): string | undefined {
  if (data.length === 0) return undefined;
  const len = data[0];
  if (len === 0 || len > MAX_SHUTDOWN_COMMUNICATION || 1 + len > data.length) return undefined;
  const bytes = data.subarray(1, 1 + len);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether the NOTIFICATION may carry a shutdown communication (RFC 9003 §2). */
export function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return code === ErrorCode.CEASE && (subcode === 2 || subcode === 4);
}
