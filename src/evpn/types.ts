/**
 * EVPN route model (RFC 7432 §7, RFC 9136 for type 5), shared by the NLRI codec,
 * the RIB and the VTEP mapping.
 *
 * Compact on purpose: a RIB holds millions of these. MAC addresses are 48-bit
 * integers in a number (exact in a float64), IPv4 addresses uint32 numbers,
 * IPv6 addresses canonical strings, route distinguishers their canonical text
 * ("192.0.2.10:5000", "65000:5000"), ESIs 20 hex digits (the all-zero ESI is the
 * shared constant ESI_ZERO).
 */

export const ESI_ZERO = '00000000000000000000';

export type IpAddress = { v: 4; addr: number } | { v: 6; addr: string };

/** Type 1, Ethernet Auto-Discovery: decoded and kept, not acted on. */
export interface EthernetAdRoute {
  type: 1;
  rd: string;
  esi: string;
  ethTag: number;
  label: number;
}

/** Type 2, MAC/IP Advertisement (RFC 7432 §7.2). */
export interface MacIpRoute {
  type: 2;
  rd: string;
  esi: string;
  ethTag: number;
  mac: number;
  ip?: IpAddress;
  /** 24-bit label field; for VXLAN the VNI (RFC 8365 §5.1.3). */
  label1: number;
  label2?: number;
}

/** Type 3, Inclusive Multicast Ethernet Tag (RFC 7432 §7.3). */
export interface ImetRoute {
  type: 3;
  rd: string;
  ethTag: number;
  originator: IpAddress;
}

/** Type 4, Ethernet Segment: decoded and kept, not acted on. */
export interface EthernetSegmentRoute {
  type: 4;
  rd: string;
  esi: string;
  originator: IpAddress;
}

/** Type 5, IP Prefix (RFC 9136): decoded and kept, not acted on. */
export interface IpPrefixRoute {
  type: 5;
  rd: string;
  esi: string;
  ethTag: number;
  prefix: IpAddress;
  prefixLen: number;
  gateway: IpAddress;
  label: number;
}

export type EvpnRoute = EthernetAdRoute | MacIpRoute | ImetRoute | EthernetSegmentRoute | IpPrefixRoute;
