/**
 * Adj-RIB-Out → UPDATE messages (RFC 4271 §4.3, RFC 4760 §3–4).
 *
 * Routes sharing one attribute set go in one UPDATE, as many as fit in the
 * 4096-octet message (RFC 4271 §4.1); withdrawals go in MP_UNREACH_NLRI.
 * Attributes: ORIGIN IGP; AS_PATH empty toward iBGP peers and our AS alone
 * toward eBGP peers (RFC 4271 §5.1.2: the speaker prepends its own AS on
 * eBGP; done here, where the peer kind is known, so the session sends the
 * messages as they are); LOCAL_PREF 100 toward iBGP peers only (§5.1.5);
 * EXTENDED_COMMUNITIES and PMSI_TUNNEL from the route's attribute set;
 * MP_REACH_NLRI with AFI 25 / SAFI 70 and the next hop of the set.
 * End-of-RIB (RFC 4724 §2) is the wire layer's endOfRib(EVPN_FAMILY).
 */

import type { PathAttributes, UpdateMessage } from '../../bgp/wire/types.js';
import { AsPathSegmentType, MAX_MESSAGE_LENGTH, Origin } from '../../bgp/wire/types.js';
import { EVPN_AFI, EVPN_SAFI, encodeEvpnNlri, evpnRouteValueLength } from '../nlri.js';
import type { EvpnRoute } from '../types.js';
import { ipOctets } from '../addr.js';
import type { AttrSet } from './model.js';

export interface PeerKind {
  ibgp: boolean;
  localAs: number;
}

export interface OutGroup {
  attrs: AttrSet;
  routes: EvpnRoute[];
}

// Header (19), withdrawn routes length (2), total path attribute length (2).
const MESSAGE_FIXED = 23;
// Attribute headers counted with the 2-octet extended length (4 octets), so the sum is an upper bound.
const ATTR_HEADER = 4;
// ORIGIN 4, AS_PATH up to 20 (AS_TRANS plus AS4_PATH on a 2-octet session), LOCAL_PREF 7.
const BASE_ATTRS = 4 + 20 + 7;

function baseAttributes(kind: PeerKind): PathAttributes {
  const a: PathAttributes = {
    origin: Origin.IGP,
    asPath: kind.ibgp ? [] : [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [kind.localAs] }],
  };
  if (kind.ibgp) a.localPref = 100;
  return a;
}

/** Splits routes into runs whose encoded NLRI fits `budget` octets. */
function chunks(routes: readonly EvpnRoute[], budget: number): EvpnRoute[][] {
  const out: EvpnRoute[][] = [];
  let cur: EvpnRoute[] = [];
  let used = 0;
  for (const r of routes) {
    const len = 2 + evpnRouteValueLength(r);
    if (used + len > budget && cur.length > 0) {
      out.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(r);
    used += len;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export function announcements(groups: readonly OutGroup[], kind: PeerKind): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  for (const g of groups) {
    const nh = g.attrs.nextHop;
    if (!nh || g.routes.length === 0) continue;
    const nextHop = ipOctets(nh);
    const ext = g.attrs.ext;
    const pmsi = g.attrs.pmsi;
    const overhead =
      MESSAGE_FIXED +
      BASE_ATTRS +
      (ext ? ATTR_HEADER + ext.length : 0) +
      (pmsi ? ATTR_HEADER + 5 + pmsi.tunnelId.length : 0) +
      ATTR_HEADER +
      5 +
      nextHop.length;
    for (const run of chunks(g.routes, MAX_MESSAGE_LENGTH - overhead)) {
      const attributes = baseAttributes(kind);
      if (ext) attributes.extCommunities = ext;
      if (pmsi) attributes.pmsiTunnel = pmsi;
      attributes.mpReach = { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop, nlri: encodeEvpnNlri(run) };
      out.push({ type: 'update', withdrawn: [], attributes, nlri: [] });
    }
  }
  return out;
}

export function withdrawals(routes: readonly EvpnRoute[]): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  for (const run of chunks(routes, MAX_MESSAGE_LENGTH - MESSAGE_FIXED - ATTR_HEADER - 3)) {
    out.push({ type: 'update', withdrawn: [], attributes: { mpUnreach: { afi: EVPN_AFI, safi: EVPN_SAFI, nlri: encodeEvpnNlri(run) } }, nlri: [] });
  }
  return out;
}
