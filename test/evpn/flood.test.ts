// The type-3 flood target (RFC 6514 §5, RFC 7432 §11.2, RFC 8365 §5.1.3).
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/evpn/addr.js';
import { floodTarget } from '../../src/evpn/flood.js';
import { PmsiTunnelType, ingressReplicationPmsi } from '../../src/evpn/pmsi.js';
import type { ImetRoute, IpAddress } from '../../src/evpn/types.js';

const ip = (text: string): IpAddress => parseIp(text) as IpAddress;
const ORIGINATOR = ip('192.0.2.7');
const route: ImetRoute = { type: 3, rd: '192.0.2.7:5000', ethTag: 0, originator: ORIGINATOR };

describe('floodTarget', () => {
  it('ingress replication: the tunnel identifier with the PMSI label, not the EVI VNI', () => {
    expect(floodTarget(route, ingressReplicationPmsi(7000, ip('198.51.100.9')), 5000)).toEqual({ endpoint: ip('198.51.100.9'), vni: 7000 });
    expect(floodTarget(route, ingressReplicationPmsi(5000, ip('2001:db8::9')), 5000)).toEqual({ endpoint: ip('2001:db8::9'), vni: 5000 });
  });

  it('no PMSI attribute: the originator with the EVI VNI', () => {
    expect(floodTarget(route, undefined, 5000)).toEqual({ endpoint: ORIGINATOR, vni: 5000 });
  });

  it('another tunnel type or an unreadable identifier counts as no attribute', () => {
    const pim = { flags: 0, tunnelType: PmsiTunnelType.PIM_SSM, label: 7000, tunnelId: Buffer.alloc(8) };
    expect(floodTarget(route, pim, 5000)).toEqual({ endpoint: ORIGINATOR, vni: 5000 });
    const short = { flags: 0, tunnelType: PmsiTunnelType.INGRESS_REPLICATION, label: 7000, tunnelId: Buffer.alloc(3) };
    expect(floodTarget(route, short, 5000)).toEqual({ endpoint: ORIGINATOR, vni: 5000 });
  });
});
