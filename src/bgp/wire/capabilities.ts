/**
 * Capabilities advertisement (RFC 5492): multiprotocol (RFC 4760 §8), route refresh
 * (RFC 2918), enhanced route refresh (RFC 7313 §3.1), graceful restart (RFC 4724 §3,
 * with the N bit of RFC 8538 §2), 4-octet AS (RFC 6793 §3). Any other code, and a known
 * code whose value has the wrong shape, is kept verbatim as `unknown`: RFC 5492 §3 asks
 * a speaker to ignore what it does not understand, and the FSM decides what it needs.
 * Not implemented: ADD-PATH, extended next hop, BGP role, FQDN (they stay `unknown`).
 */
import type { Capability } from './types.js';
import type { Writer } from './writer.js';

export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ENHANCED_ROUTE_REFRESH: 70,
} as const;

/** RFC 4724 §3 restart flags and per-family flags. */
const GR_RESTARTING = 0x8000;
const GR_NOTIFICATION = 0x4000;
const GR_TIME_MASK = 0x0fff;
const GR_FORWARDING = 0x80;

/** One capability from its code and value (a view into the OPEN). */
export function decodeCapability(code: number, v: Buffer): Capability {
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL:
      // AFI (2), reserved (1), SAFI (1)
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
          families.push({ afi: v.readUInt16BE(o), safi: v[o + 2], forwardingPreserved: (v[o + 3] & GR_FORWARDING) !== 0 });
        }
        return {
          kind: 'graceful-restart',
          restarting: (head & GR_RESTARTING) !== 0,
          notification: (head & GR_NOTIFICATION) !== 0,
          restartTime: head & GR_TIME_MASK,
          families,
        };
      }
      break;
  }
  // Copied: an OPEN is kept for the session's lifetime, the chunk under it is not.
  return { kind: 'unknown', code, value: Buffer.from(v) };
}

const KIND_CODE: Record<Exclude<Capability['kind'], 'unknown'>, number> = {
  multiprotocol: CapabilityCode.MULTIPROTOCOL,
  'route-refresh': CapabilityCode.ROUTE_REFRESH,
  'enhanced-route-refresh': CapabilityCode.ENHANCED_ROUTE_REFRESH,
  'four-octet-as': CapabilityCode.FOUR_OCTET_AS,
  'graceful-restart': CapabilityCode.GRACEFUL_RESTART,
};

/**
 * Writes code, length and value. A value past the 1-octet length (RFC 5492 §4) is a bug
 * in the caller, not input: RangeError.
 */
export function encodeCapability(w: Writer, c: Capability): void {
  w.u8(c.kind === 'unknown' ? c.code : KIND_CODE[c.kind]);
  const lenAt = w.off;
  w.u8(0);
  switch (c.kind) {
    case 'multiprotocol':
      w.u16(c.afi);
      w.u8(0);
      w.u8(c.safi);
      break;
    case 'route-refresh':
    case 'enhanced-route-refresh':
      break;
    case 'four-octet-as':
      w.u32(c.asn);
      break;
    case 'graceful-restart':
      w.u16((c.restarting ? GR_RESTARTING : 0) | (c.notification ? GR_NOTIFICATION : 0) | (c.restartTime & GR_TIME_MASK));
      for (const f of c.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.forwardingPreserved ? GR_FORWARDING : 0);
      }
      break;
    case 'unknown':
      w.bytes(c.value);
      break;
  }
  const len = w.off - lenAt - 1;
  if (len > 255) throw new RangeError(`capability ${c.kind} value of ${len} octets exceeds 255`);
  w.buf[lenAt] = len;
}
