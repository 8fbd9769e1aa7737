/**
 * The OPEN we send and the checks on the OPEN we receive.
 *
 * RFC 4271 §4.2 and §6.2 (OPEN error handling), RFC 5492 (capabilities), RFC 4760
 * (multiprotocol), RFC 6793 (4-octet AS), RFC 6286 §2.2 (BGP identifier), RFC 2918 and
 * RFC 7313 (route refresh), RFC 4724 (graceful restart) with the RFC 8538 N bit.
 *
 * Unsupported optional parameters (2/4) are found by the codec, which sees the raw
 * parameters; here the message is already decoded.
 *
 * Families: like FRR, a peer that lacks one of our families is not reset; the family
 * is simply inactive on the session (`missingFamilies`). Only when no family at all is
 * in common is the OPEN refused with 2/7 (unsupported capability), whose data lists our
 * multiprotocol capabilities (RFC 5492 §5).
 */
import { AFI, AS_TRANS, ErrorCode, SAFI } from '../wire/types.js';
import type { Capability, Family, OpenMessage } from '../wire/types.js';
import type { FsmConfig, Negotiated, NotificationData } from './types.js';
import { OpenSubcode } from '../wire/errors.js';
import { encodeCapability } from '../wire/capabilities.js';
import { Writer } from '../wire/writer.js';

export const BGP_VERSION = 4;

export type OpenCheck =
  | { ok: true; negotiated: Negotiated }
  | { ok: false; notification: NotificationData; reason: string };

/** RFC 4271 §4.2: a hold time is 0 or at least 3 seconds. */
export function isValidHoldTime(seconds: number): boolean {
  return Number.isInteger(seconds) && (seconds === 0 || (seconds >= 3 && seconds <= 65535));
}

export function sameFamily(a: Family, b: Family): boolean {
  return a.afi === b.afi && a.safi === b.safi;
}

const IPV4_UNICAST: Family = { afi: AFI.IPV4, safi: SAFI.UNICAST };

/** The OPEN we send (RFC 4271 §4.2; capabilities per RFC 5492). */
export function buildOpen(cfg: FsmConfig): OpenMessage {
  const caps: Capability[] = cfg.families.map((f) => ({ kind: 'multiprotocol', afi: f.afi, safi: f.safi }));
  caps.push({ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' }, { kind: 'four-octet-as', asn: cfg.localAs });
  if (cfg.gracefulRestart) {
    caps.push({
      kind: 'graceful-restart',
      // RFC 4724 §4.1: the driver knows whether we restarted; the FSM only carries it.
      restarting: cfg.gracefulRestart.restarting ?? false,
      notification: cfg.gracefulRestart.notification ?? false,
      restartTime: cfg.gracefulRestart.restartTime & 0xfff,
      families: cfg.families.map((f) => ({ ...f, forwardingPreserved: cfg.gracefulRestart?.forwardingPreserved ?? false })),
    });
  }
  return {
    type: 'open',
    version: BGP_VERSION,
    // RFC 6793 §4.1: AS_TRANS in the 2-octet field when our AS needs 4 octets.
    myAs: cfg.localAs > 0xffff ? AS_TRANS : cfg.localAs,
    holdTime: cfg.holdTime,
    bgpId: cfg.routerId,
    capabilities: caps,
  };
}

function fail(subcode: number, data: Buffer, reason: string): OpenCheck {
  return { ok: false, notification: { code: ErrorCode.OPEN_MESSAGE, subcode, data }, reason };
}

/** RFC 5492 §5: the data of 2/7 carries the capabilities in capability TLV form. */
function multiprotocolTlvs(families: Family[]): Buffer {
  const w = new Writer();
  for (const f of families) encodeCapability(w, { kind: 'multiprotocol', afi: f.afi, safi: f.safi });
  return w.copy();
}

/** Checks a received OPEN against our configuration and negotiates the session parameters. */
export function checkOpen(open: OpenMessage, cfg: FsmConfig): OpenCheck {
  // RFC 4271 §6.2: data is the largest supported version, 2 octets.
  if (open.version !== BGP_VERSION) {
    const data = Buffer.alloc(2);
    data.writeUInt16BE(BGP_VERSION, 0);
    return fail(OpenSubcode.UNSUPPORTED_VERSION, data, `unsupported version ${open.version}`);
  }

  let fourOctet: number | undefined;
  let mpSeen = false;
  let routeRefresh = false;
  let enhancedRouteRefresh = false;
  let peerGracefulRestart: Negotiated['peerGracefulRestart'];
  const peerFamilies: Family[] = [];
  for (const cap of open.capabilities) {
    switch (cap.kind) {
      case 'multiprotocol':
        mpSeen = true;
        if (!peerFamilies.some((f) => sameFamily(f, cap))) peerFamilies.push({ afi: cap.afi, safi: cap.safi });
        break;
      case 'four-octet-as':
        fourOctet = cap.asn;
        break;
      case 'route-refresh':
        routeRefresh = true;
        break;
      case 'enhanced-route-refresh':
        enhancedRouteRefresh = true;
        break;
      case 'graceful-restart':
        peerGracefulRestart = cap;
        break;
      case 'unknown':
        break;
      default: {
        const never: never = cap;
        return never;
      }
    }
  }

  // RFC 6793 §4.2.1: the 4-octet AS capability carries the real AS; the 2-octet field
  // must then be that AS or AS_TRANS.
  let peerAs = open.myAs;
  if (fourOctet !== undefined) {
    peerAs = fourOctet;
    const consistent = open.myAs === AS_TRANS || open.myAs === fourOctet;
    if (!consistent) return fail(OpenSubcode.BAD_PEER_AS, Buffer.alloc(0), `My AS ${open.myAs} contradicts 4-octet AS ${fourOctet}`);
  }
  if (peerAs !== cfg.remoteAs) {
    return fail(OpenSubcode.BAD_PEER_AS, Buffer.alloc(0), `peer AS ${peerAs}, expected ${cfg.remoteAs}`);
  }

  // RFC 6286 §2.2: zero is invalid; equal to ours is an error only for an internal peer.
  if (open.bgpId === 0 || (open.bgpId === cfg.routerId && cfg.remoteAs === cfg.localAs)) {
    return fail(OpenSubcode.BAD_BGP_IDENTIFIER, Buffer.alloc(0), `bad BGP identifier ${open.bgpId}`);
  }

  // RFC 4271 §6.2: hold time 1 or 2 is unacceptable.
  if (open.holdTime === 1 || open.holdTime === 2) {
    return fail(OpenSubcode.UNACCEPTABLE_HOLD_TIME, Buffer.alloc(0), `hold time ${open.holdTime}`);
  }

  // RFC 4760 §8 (and RFC 4271 implicitly): no MP capability means ipv4/unicast only.
  const theirs = mpSeen ? peerFamilies : [IPV4_UNICAST];
  const families = cfg.families.filter((f) => theirs.some((t) => sameFamily(f, t)));
  const missingFamilies = cfg.families.filter((f) => !theirs.some((t) => sameFamily(f, t)));
  if (families.length === 0) {
    return fail(OpenSubcode.UNSUPPORTED_CAPABILITY, multiprotocolTlvs(cfg.families), 'no address family in common');
  }

  // RFC 4271 §4.2: the smaller of both; 0 disables keepalives and the hold timer.
  const holdTime = Math.min(cfg.holdTime, open.holdTime);
  const negotiated: Negotiated = {
    peerAs,
    peerId: open.bgpId,
    holdTime,
    keepaliveTime: Math.floor(holdTime / 3),
    families,
    missingFamilies,
    fourOctetAs: fourOctet !== undefined,
    routeRefresh,
    enhancedRouteRefresh,
    peerOpen: open,
  };
  if (peerGracefulRestart) negotiated.peerGracefulRestart = peerGracefulRestart;
  return { ok: true, negotiated };
}

/**
 * RFC 4271 §6.8 with the RFC 6286 §2.3 tie-break: which connection survives a collision.
 * The one initiated by the speaker with the higher BGP identifier (uint32 compare); on
 * equal identifiers, the one initiated by the speaker with the larger AS number.
 */
export function collisionSurvivor(local: { id: number; as: number }, remote: { id: number; as: number }): 'out' | 'in' {
  const l = local.id >>> 0;
  const r = remote.id >>> 0;
  if (l !== r) return l > r ? 'out' : 'in';
  return local.as > remote.as ? 'out' : 'in';
}
