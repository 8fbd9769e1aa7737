/**
 * Where a type-3 (inclusive multicast) route says to send BUM traffic: the
 * one rule behind the RIB's flood deltas and the route table's installed
 * check. Pure, no I/O.
 *
 * With an ingress replication PMSI tunnel attribute, the tunnel identifier
 * is the endpoint and the label field the VNI (RFC 6514 §5, RFC 8365
 * §5.1.3); otherwise the originating router with the EVI's VNI (RFC 7432
 * §11.2). Other tunnel types and unreadable identifiers count as absent.
 */
import type { PmsiTunnel } from '../bgp/wire/types.js';
import { readPmsiTunnel } from './pmsi.js';
import type { ImetRoute, IpAddress } from './types.js';

/** A flood-list member: the locator's address and VNI. */
export interface FloodTarget {
  endpoint: IpAddress;
  vni: number;
}

export function floodTarget(route: ImetRoute, pmsi: PmsiTunnel | undefined, eviVni: number): FloodTarget {
  const reading = pmsi && readPmsiTunnel(pmsi);
  if (reading?.kind === 'ingress-replication') return { endpoint: reading.endpoint, vni: reading.vni };
  return { endpoint: route.originator, vni: eviVni };
}
