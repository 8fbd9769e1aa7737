/**
 * Real UPDATEs from other implementations (CRAFT.md "Tests" 3): GoBGP 3.10 and FRR 8.4
 * captures stored in test/fixtures/evpn/captured-updates.json, whose provenance block
 * names the versions, topology and the gobgp commands that produced them. The wire
 * codec must read each without error, frame the whole capture as one stream, and
 * re-encode each to a message that decodes to the same object; where the sender used
 * our canonical form (GoBGP: attribute order by type, Extended Length only past 255
 * octets) the re-encoding is byte-identical.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BgpFramer } from '../../../src/bgp/wire/framer.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/message.js';
import { CTX4 } from './helpers.js';

interface Captured {
  provenance: Record<string, string>;
  updates: Array<{ source: string; hex: string }>;
}

const file = JSON.parse(readFileSync(new URL('../../fixtures/evpn/captured-updates.json', import.meta.url), 'utf8')) as Captured;

describe('captured GoBGP and FRR UPDATEs', () => {
  it('holds both sources', () => {
    expect(new Set(file.updates.map((u) => u.source))).toEqual(new Set(['gobgpd', 'frr']));
  });

  for (const [i, u] of file.updates.entries()) {
    it(`#${i} from ${u.source}: decodes cleanly and re-encodes to the same object`, () => {
      const b = Buffer.from(u.hex, 'hex');
      const r = decodeMessage(b, CTX4);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.errors).toEqual([]);
      expect(r.value.type).toBe('update');
      const again = encodeMessage(r.value, CTX4);
      expect(decodeMessage(again, CTX4)).toEqual(r);
      // GoBGP writes attributes in type order with minimal lengths, as we do; FRR puts
      // MP_REACH first with the Extended Length bit, which RFC 4271 §4.3/§5 allow.
      if (u.source === 'gobgpd') expect(again.toString('hex')).toBe(u.hex);
    });
  }

  it('frames the whole capture as one stream split at every offset', () => {
    const stream = Buffer.concat(file.updates.map((u) => Buffer.from(u.hex, 'hex')));
    for (let cut = 1; cut < stream.length; cut += 7) {
      const f = new BgpFramer();
      const frames = [...f.push(stream.subarray(0, cut)).frames, ...f.push(stream.subarray(cut)).frames];
      expect(frames.map((x) => x.toString('hex'))).toEqual(file.updates.map((u) => u.hex));
    }
  });
});
