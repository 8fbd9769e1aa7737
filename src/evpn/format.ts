/**
 * Display of EVPN routes in the form FRR's `show bgp l2vpn evpn` uses
 * (lib/prefix.c in FRR 8.x), so operators can compare the two side by side:
 *   type 2: [2]:[EthTag]:[48]:[MAC] or [2]:[EthTag]:[48]:[MAC]:[32|128]:[IP]
 *   type 3: [3]:[EthTag]:[32|128]:[originator]
 *   type 4: [4]:[ESI]:[32|128]:[originator]
 *   type 5: [5]:[EthTag]:[prefix length]:[prefix]
 *   type 1: [1]:[EthTag]:[ESI] (FRR adds fields that are not in the NLRI)
 * These strings hold exactly the fields of the BGP route key (RFC 7432 §7.1–7.4,
 * RFC 9136 §3.1), so with the RD they identify a route.
 */

import type { EvpnRoute, IpAddress } from './types.js';
import { formatEsi, formatIp, formatMac } from './addr.js';

function ipBits(ip: IpAddress): number {
  return ip.v === 4 ? 32 : 128;
}

export function formatEvpnPrefix(r: EvpnRoute): string {
  switch (r.type) {
    case 1:
      return `[1]:[${r.ethTag}]:[${formatEsi(r.esi)}]`;
    case 2:
      return r.ip
        ? `[2]:[${r.ethTag}]:[48]:[${formatMac(r.mac)}]:[${ipBits(r.ip)}]:[${formatIp(r.ip)}]`
        : `[2]:[${r.ethTag}]:[48]:[${formatMac(r.mac)}]`;
    case 3:
      return `[3]:[${r.ethTag}]:[${ipBits(r.originator)}]:[${formatIp(r.originator)}]`;
    case 4:
      return `[4]:[${formatEsi(r.esi)}]:[${ipBits(r.originator)}]:[${formatIp(r.originator)}]`;
    case 5:
      return `[5]:[${r.ethTag}]:[${r.prefixLen}]:[${formatIp(r.prefix)}]`;
  }
}

/** Unique key of a route in one Adj-RIB: RD and the route key fields ("192.0.2.1:5 [3]:[0]:[32]:[192.0.2.1]"). */
export function evpnRouteKey(r: EvpnRoute): string {
  return `${r.rd} ${formatEvpnPrefix(r)}`;
}
