/**
 * Builders for hand-written wire fixtures: the octets are written out in hex beside the
 * RFC figure they come from; only the header and the two UPDATE length fields are
 * computed here, so that a fixture reads as its content.
 */
import type { CodecContext } from '../../../src/bgp/wire/types.js';

export const CTX4: CodecContext = { fourOctetAs: true };
export const CTX2: CodecContext = { fourOctetAs: false };

/** Hex with spaces and `|` allowed for readability. */
export function hex(s: string): Buffer {
  const clean = s.replace(/[\s|]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${s}`);
  return Buffer.from(clean, 'hex');
}

/** RFC 4271 §4.1 header (16 × 0xff marker, 2-octet length, type) before `body`. */
export function msg(type: number, body: string): string {
  const b = hex(body);
  return 'ff'.repeat(16) + (19 + b.length).toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0') + b.toString('hex');
}

/** RFC 4271 §4.3 UPDATE: withdrawn length, withdrawn, attribute length, attributes, NLRI. */
export function upd(attrs: string, nlri = '', withdrawn = ''): string {
  const w = hex(withdrawn);
  const a = hex(attrs);
  const len = (n: number) => n.toString(16).padStart(4, '0');
  return msg(2, len(w.length) + w.toString('hex') + len(a.length) + a.toString('hex') + hex(nlri).toString('hex'));
}
