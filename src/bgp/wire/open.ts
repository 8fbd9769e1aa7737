/**
 * OPEN message (RFC 4271 §4.2) and its capabilities (RFC 5492): multiprotocol
 * (RFC 4760 §8), route refresh (RFC 2918), enhanced route refresh (RFC 7313),
 * 4-octet AS (RFC 6793), graceful restart (RFC 4724 §3 with the RFC 8538 N bit).
 * Unknown capabilities are kept verbatim. The extended optional parameters length
 * of RFC 9072 is accepted on decode; we encode the classic form.
 *
 * Structural checks only: version, AS, hold time and identifier are the FSM's.
 */
import { OpenSubcode, openError } from './errors.js';
import type { Capability, DecodeResult, OpenMessage } from './types.js';

export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ENHANCED_ROUTE_REFRESH: 70,
} as const;

const OPT_PARAM_CAPABILITIES = 2;
/** RFC 9072 §2 */
const OPT_PARAM_EXTENDED = 255;

function decodeCapability(code: number, v: Buffer): Capability {
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL:
      if (v.length === 4) return { kind: 'multiprotocol', afi: v.readUInt16BE(0), safi: v[3] };
      break;
    case CapabilityCode.ROUTE_REFRESH:
      if (v.length === 0) return { kind: 'route-refresh' };
      break;
    case CapabilityCode.ENHANCED_ROUTE_REFRESH:
      if (v.length === 0) return { kind: 'enhanced-route-refresh' };
      break;
    case CapabilityCode.FOUR_OCTET_AS:
      if (v.length === 4) return { kind: 'four-octet-as', asn: v.readUInt32BE(0) };
      break;
    case CapabilityCode.GRACEFUL_RESTART:
      if (v.length >= 2 && (v.length - 2) % 4 === 0) {
        const head = v.readUInt16BE(0);
        const families: Array<{ afi: number; safi: number; forwardingPreserved: boolean }> = [];
        for (let o = 2; o < v.length; o += 4) {
          families.push({ afi: v.readUInt16BE(o), safi: v[o + 2], forwardingPreserved: (v[o + 3] & 0x80) !== 0 });
        }
        return { kind: 'graceful-restart', restarting: (head & 0x8000) !== 0, notification: (head & 0x4000) !== 0, restartTime: head & 0x0fff, families };
      }
      break;
  }
  // A known code with a malformed value is kept as unknown rather than refusing the session.
  return { kind: 'unknown', code, value: Buffer.from(v) };
}

function encodeCapability(c: Capability): Buffer {
  const out = (code: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([code, value.length]), value]);
  switch (c.kind) {
    case 'multiprotocol': {
      const v = Buffer.alloc(4);
      v.writeUInt16BE(c.afi, 0);
      v[3] = c.safi;
      return out(CapabilityCode.MULTIPROTOCOL, v);
    }
    case 'route-refresh':
      return out(CapabilityCode.ROUTE_REFRESH, Buffer.alloc(0));
    case 'enhanced-route-refresh':
      return out(CapabilityCode.ENHANCED_ROUTE_REFRESH, Buffer.alloc(0));
    case 'four-octet-as': {
      const v = Buffer.alloc(4);
      v.writeUInt32BE(c.asn >>> 0, 0);
      return out(CapabilityCode.FOUR_OCTET_AS, v);
    }
    case 'graceful-restart': {
      const v = Buffer.alloc(2 + 4 * c.families.length);
      v.writeUInt16BE((c.restarting ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | (c.restartTime & 0x0fff), 0);
      c.families.forEach((f, i) => {
        v.writeUInt16BE(f.afi, 2 + 4 * i);
        v[4 + 4 * i] = f.safi;
        v[5 + 4 * i] = f.forwardingPreserved ? 0x80 : 0;
      });
      return out(CapabilityCode.GRACEFUL_RESTART, v);
    }
    case 'unknown':
      return out(c.code, c.value);
  }
}

/** Decodes an OPEN body (the octets after the 19-octet header). */
export function decodeOpen(body: Buffer): DecodeResult<OpenMessage> {
  const bad = (msg: string, sub: number = OpenSubcode.UNSPECIFIC) => ({ ok: false as const, error: openError('BGP_ERR_OPEN_MALFORMED', msg, sub) });
  if (body.length < 10) return bad('OPEN shorter than 10 octets');
  const version = body[0];
  const myAs = body.readUInt16BE(1);
  const holdTime = body.readUInt16BE(3);
  const bgpId = body.readUInt32BE(5);
  let optLen = body[9];
  let off = 10;
  let extended = false;
  // RFC 9072 §2: non-extended length 255 and a first parameter type 255 announce the extended form.
  if (optLen === OPT_PARAM_EXTENDED && body.length >= 13 && body[10] === OPT_PARAM_EXTENDED) {
    extended = true;
    optLen = body.readUInt16BE(11);
    off = 13;
  }
  if (off + optLen !== body.length) return bad(`optional parameters length ${optLen} does not match the message`);
  const capabilities: Capability[] = [];
  const end = off + optLen;
  while (off < end) {
    const head = extended ? 3 : 2;
    if (end - off < head) return bad('truncated optional parameter');
    const type = body[off];
    const len = extended ? body.readUInt16BE(off + 1) : body[off + 1];
    off += head;
    if (end - off < len) return bad('optional parameter overruns the OPEN');
    if (type !== OPT_PARAM_CAPABILITIES) {
      return { ok: false, error: openError('BGP_ERR_OPEN_OPT_PARAM', `unsupported optional parameter type ${type}`, OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER) };
    }
    const pEnd = off + len;
    while (off < pEnd) {
      if (pEnd - off < 2) return bad('truncated capability');
      const code = body[off];
      const clen = body[off + 1];
      off += 2;
      if (pEnd - off < clen) return bad(`capability ${code} overruns its parameter`);
      capabilities.push(decodeCapability(code, body.subarray(off, off + clen)));
      off += clen;
    }
  }
  return { ok: true, value: { type: 'open', version, myAs, holdTime, bgpId, capabilities }, errors: [] };
}

/** Encodes an OPEN body; each capability in its own optional parameter (RFC 5492 §4 allows both). */
export function encodeOpen(m: OpenMessage): Buffer {
  const params: Buffer[] = [];
  for (const c of m.capabilities) {
    const cap = encodeCapability(c);
    params.push(Buffer.from([OPT_PARAM_CAPABILITIES, cap.length]), cap);
  }
  const opt = Buffer.concat(params);
  if (opt.length > 255) throw new RangeError('optional parameters exceed 255 octets');
  const head = Buffer.alloc(10);
  head[0] = m.version;
  head.writeUInt16BE(m.myAs & 0xffff, 1);
  head.writeUInt16BE(m.holdTime, 3);
  head.writeUInt32BE(m.bgpId >>> 0, 5);
  head[9] = opt.length;
  return Buffer.concat([head, opt]);
}
