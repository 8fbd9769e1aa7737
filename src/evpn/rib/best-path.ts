/**
 * Best path among the routes for one (MAC, EVI) or (originator, EVI).
 *
 * Type 2, in order:
 * 1. a sticky (static) MAC beats a non-sticky one (RFC 7432 §15.2);
 * 2. the higher MAC mobility sequence number wins, a route without the
 *    community counting as 0 (RFC 7432 §15.1);
 * 3. our own route beats a received one (the usual local preference of
 *    locally originated routes; on a later higher sequence from a peer
 *    our route loses at step 2);
 * 4. the BGP decision process (below);
 * 5. within one peer's routes for the MAC, a MAC+IPv4 route before a
 *    MAC+IPv6 one before a MAC-only one (the VTEP row takes an IPv4 address),
 *    then the lower IP, so the choice is deterministic.
 *
 * BGP decision process (RFC 4271 §9.1.2.2, RFC 4456 §9), after eligibility:
 * higher LOCAL_PREF (100 when absent), shorter AS_PATH (an AS_SET counts 1,
 * confederation segments 0, RFC 5065 §5.3), lower ORIGIN, lower MED between
 * routes from the same neighbor AS (absent MED = 0), eBGP over iBGP, lower
 * ORIGINATOR_ID or else BGP Identifier of the peer, shorter CLUSTER_LIST,
 * lower peer address. Left out: IGP cost to the next hop (no IGP here),
 * always-compare-med and deterministic-med.
 */

import type { AttrSet, OtherPath, PeerState, Type2Path } from './model.js';

const DEFAULT_LOCAL_PREF = 100;

/** Negative when `a` is better, positive when `b` is, 0 when the decision process cannot tell them apart. */
export function compareAttrs(a: AttrSet, b: AttrSet): number {
  const lpA = a.localPref ?? DEFAULT_LOCAL_PREF;
  const lpB = b.localPref ?? DEFAULT_LOCAL_PREF;
  if (lpA !== lpB) return lpB - lpA;
  if (a.asPathLength !== b.asPathLength) return a.asPathLength - b.asPathLength;
  if (a.origin !== b.origin) return a.origin - b.origin;
  // RFC 4271 §9.1.2.2 (c): MED only between routes from the same neighboring AS.
  if (a.neighborAs === b.neighborAs) {
    const medA = a.med ?? 0;
    const medB = b.med ?? 0;
    if (medA !== medB) return medA - medB;
  }
  const pa = a.peer;
  const pb = b.peer;
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  // RFC 4271 §9.1.2.2 (d): eBGP-learned over iBGP-learned.
  if (pa.ibgp !== pb.ibgp) return pa.ibgp ? 1 : -1;
  // RFC 4456 §9: ORIGINATOR_ID stands in for the BGP Identifier when present.
  const idA = a.originatorId ?? pa.info.routerId;
  const idB = b.originatorId ?? pb.info.routerId;
  if (idA !== idB) return idA - idB;
  if (a.clusterListLength !== b.clusterListLength) return a.clusterListLength - b.clusterListLength;
  return comparePeerAddress(pa, pb);
}

function comparePeerAddress(a: PeerState, b: PeerState): number {
  if (a === b) return 0;
  if (a.addrV4 >= 0 && b.addrV4 >= 0) return a.addrV4 - b.addrV4;
  if (a.addrV4 >= 0) return -1;
  if (b.addrV4 >= 0) return 1;
  return a.info.address < b.info.address ? -1 : a.info.address > b.info.address ? 1 : 0;
}

function ipRank(ip: number | string | undefined): number {
  return typeof ip === 'number' ? 0 : typeof ip === 'string' ? 1 : 2;
}

export function compareType2(a: Type2Path, b: Type2Path): number {
  const sa = a.attrs.sticky;
  if (sa !== b.attrs.sticky) return sa ? -1 : 1;
  const seqA = a.attrs.seq;
  const seqB = b.attrs.seq;
  if (seqA !== seqB) return seqB - seqA;
  const localA = a.attrs.peer === undefined;
  if (localA !== (b.attrs.peer === undefined)) return localA ? -1 : 1;
  const c = compareAttrs(a.attrs, b.attrs);
  if (c !== 0) return c;
  const ra = ipRank(a.ip);
  const rb = ipRank(b.ip);
  if (ra !== rb) return ra - rb;
  if (typeof a.ip === 'number' && typeof b.ip === 'number' && a.ip !== b.ip) return (a.ip >>> 0) - (b.ip >>> 0);
  if (typeof a.ip === 'string' && typeof b.ip === 'string' && a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  return a.rdId - b.rdId;
}

export function compareOther(a: OtherPath, b: OtherPath): number {
  const c = compareAttrs(a.attrs, b.attrs);
  if (c !== 0) return c;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
