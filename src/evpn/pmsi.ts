/**
 * PMSI Tunnel attribute helpers for EVPN over VXLAN (RFC 6514 §5, RFC 7432
 * §11.2, RFC 8365 §5.1.3). Only ingress replication (tunnel type 6) is built;
 * the 3-octet label field carries the VNI in all 24 bits and the tunnel
 * identifier is the replicating PE's IP address. Other tunnel types are
 * reported as such, not interpreted. Pure functions, no I/O.
 */

import type { PmsiTunnel } from '../bgp/wire/types.js';
import type { IpAddress } from './types.js';
import { ipOctets, readIp } from './addr.js';

/** RFC 6514 §5 / IANA "P-Multicast Service Interface Tunnel (PMSI Tunnel) Tunnel Types". */
export const PmsiTunnelType = { NONE: 0, RSVP_TE_P2MP: 1, MLDP_P2MP: 2, PIM_SSM: 3, PIM_SM: 4, BIDIR_PIM: 5, INGRESS_REPLICATION: 6 } as const;

/** Ingress replication toward `endpoint`, label field = VNI (RFC 8365 §5.1.3). Flags 0: no leaf info required. */
export function ingressReplicationPmsi(vni: number, endpoint: IpAddress): PmsiTunnel {
  return { flags: 0, tunnelType: PmsiTunnelType.INGRESS_REPLICATION, label: vni & 0xffffff, tunnelId: ipOctets(endpoint) };
}

export type PmsiReading =
  | { kind: 'ingress-replication'; vni: number; endpoint: IpAddress; leafInfoRequired: boolean }
  | { kind: 'other'; tunnelType: number }
  | { kind: 'invalid'; reason: string };

/**
 * Reads a received PMSI tunnel attribute. For ingress replication the tunnel
 * identifier must be a 4- or 16-octet unicast address (RFC 6514 §5).
 */
export function readPmsiTunnel(p: PmsiTunnel): PmsiReading {
  if (p.tunnelType !== PmsiTunnelType.INGRESS_REPLICATION) return { kind: 'other', tunnelType: p.tunnelType };
  const leafInfoRequired = (p.flags & 0x01) !== 0;
  const len = p.tunnelId.length;
  if (len !== 4 && len !== 16) return { kind: 'invalid', reason: `ingress replication tunnel identifier of ${len} octets, not 4 or 16` };
  return { kind: 'ingress-replication', vni: p.label, endpoint: readIp(p.tunnelId, 0, len * 8), leafInfoRequired };
}
