/**
 * OPEN message (RFC 4271 §4.2) with Capabilities optional parameters (RFC 5492 §4).
 * Decode accepts both the classic optional parameters and the extended form of
 * RFC 9072 §2; encode uses the classic form and switches to the extended one only when
 * the parameters exceed 255 octets.
 *
 * Structural checks only (RFC 4271 §6.2 leaves the rest to the FSM): version, AS,
 * hold time and BGP identifier are checked in src/bgp/fsm. Not implemented:
 * optional parameter types other than 2 (type 1, authentication, is deprecated by
 * RFC 5492) are refused with 2/4.
 */
import { decodeCapability, encodeCapability } from './capabilities.js';
import { OpenSubcode, openError } from './errors.js';
import type { Capability, DecodeResult, OpenMessage } from './types.js';
import type { Writer } from './writer.js';

const OPT_PARAM_CAPABILITIES = 2;
/** RFC 9072 §2: Non-Ext OP Type marking the extended form. */
const OPT_PARAM_EXTENDED = 255;
/** version, my AS, hold time, BGP identifier, optional parameters length */
const OPEN_FIXED = 10;

/** Decodes an OPEN body (the octets after the 19-octet header). */
export function decodeOpen(body: Buffer): DecodeResult<OpenMessage> {
  const bad = (code: string, msg: string, sub: number = OpenSubcode.UNSPECIFIC): DecodeResult<OpenMessage> => ({ ok: false, error: openError(code, msg, sub) });
  if (body.length < OPEN_FIXED) return bad('BGP_ERR_OPEN_LENGTH', `OPEN body of ${body.length} octets, shorter than ${OPEN_FIXED}`);
  const version = body[0];
  const myAs = body.readUInt16BE(1);
  const holdTime = body.readUInt16BE(3);
  const bgpId = body.readUInt32BE(5);
  let optLen = body[9];
  let off = OPEN_FIXED;
  let extended = false;
  // RFC 9072 §2: Non-Ext OP Len 255 followed by Non-Ext OP Type 255 announces 2-octet lengths.
  if (optLen === 255 && body.length >= OPEN_FIXED + 3 && body[OPEN_FIXED] === OPT_PARAM_EXTENDED) {
    extended = true;
    optLen = body.readUInt16BE(OPEN_FIXED + 1);
    off = OPEN_FIXED + 3;
  }
  // RFC 4271 §6.2 names no subcode for a length mismatch: 2/0 (Unspecific).
  if (off + optLen !== body.length) {
    return bad('BGP_ERR_OPEN_OPT_PARAM_LENGTH', `optional parameters length ${optLen} does not match the ${body.length - off} octets present`);
  }
  const capabilities: Capability[] = [];
  const end = body.length;
  const head = extended ? 3 : 2;
  while (off < end) {
    if (end - off < head) return bad('BGP_ERR_OPEN_OPT_PARAM_LENGTH', 'truncated optional parameter header');
    const type = body[off];
    const len = extended ? body.readUInt16BE(off + 1) : body[off + 1];
    off += head;
    if (end - off < len) return bad('BGP_ERR_OPEN_OPT_PARAM_LENGTH', `optional parameter of ${len} octets overruns the OPEN`);
    if (type !== OPT_PARAM_CAPABILITIES) {
      return bad('BGP_ERR_OPEN_OPT_PARAM_UNSUPPORTED', `unsupported optional parameter type ${type}`, OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER);
    }
    const pEnd = off + len;
    while (off < pEnd) {
      // RFC 5492 §4: each capability is code (1), length (1), value; also in the RFC 9072 form.
      if (pEnd - off < 2) return bad('BGP_ERR_OPEN_CAPABILITY_LENGTH', 'truncated capability header');
      const code = body[off];
      const clen = body[off + 1];
      off += 2;
      if (pEnd - off < clen) return bad('BGP_ERR_OPEN_CAPABILITY_LENGTH', `capability ${code} of ${clen} octets overruns its parameter`);
      capabilities.push(decodeCapability(code, body.subarray(off, off + clen)));
      off += clen;
    }
  }
  return { ok: true, value: { type: 'open', version, myAs, holdTime, bgpId, capabilities }, errors: [] };
}

/** Writes an OPEN body; each capability in its own parameter (RFC 5492 §4 allows both). */
export function encodeOpen(w: Writer, m: OpenMessage): void {
  w.u8(m.version);
  w.u16(m.myAs);
  w.u16(m.holdTime);
  w.u32(m.bgpId);
  const lenAt = w.off;
  w.u8(0);
  const start = w.off;
  for (const c of m.capabilities) {
    const at = w.off;
    w.u8(OPT_PARAM_CAPABILITIES);
    w.u8(0);
    encodeCapability(w, c);
    // One capability of 254+ octets does not fit a classic parameter: the extended form below takes it.
    w.buf[at + 1] = Math.min(255, w.off - at - 2);
  }
  const len = w.off - start;
  if (len <= 255) {
    w.buf[lenAt] = len;
    return;
  }
  // RFC 9072 §2: too long for the classic form; rewrite as one extended parameter.
  w.off = start;
  w.buf[lenAt] = 255;
  w.u8(OPT_PARAM_EXTENDED);
  const totalAt = w.hole16();
  w.u8(OPT_PARAM_CAPABILITIES);
  const paramAt = w.hole16();
  for (const c of m.capabilities) encodeCapability(w, c);
  w.patch16(paramAt);
  w.patch16(totalAt);
}
