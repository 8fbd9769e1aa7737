import { describe, expect, it } from 'vitest';
import { EviTable, autoExportRt, autoImportRt, autoRd } from '../../../src/evpn/evi.js';
import { ip4 } from './helpers.js';

describe('EVI automatic values (FRR-compatible)', () => {
  const rid = ip4('192.0.2.10');

  it('gives RD router-id:N with N from 2 (1 is the BGP instance), export (AS & 0xFFFF):VNI, import *:VNI', () => {
    const t = new EviTable(rid, 4200000001);
    const a = t.set({ vni: 5000 });
    const b = t.set({ vni: 6000 });
    expect(a.ok && a.value).toMatchObject({ rd: '192.0.2.10:2', importRts: ['*:5000'], exportRts: [`${4200000001 & 0xffff}:5000`] });
    expect(b.ok && b.value.rd).toBe('192.0.2.10:3');
    expect(autoRd(rid, 7)).toBe('192.0.2.10:7');
    expect(autoExportRt(65010, 5000)).toBe('65010:5000');
    expect(autoImportRt(5000)).toBe('*:5000');
  });

  it('reuses the lowest freed RD index and keeps an EVI index when replaced', () => {
    const t = new EviTable(rid, 65010);
    t.set({ vni: 1 });
    t.set({ vni: 2 });
    t.set({ vni: 3 });
    t.delete(2);
    const r = t.set({ vni: 4 });
    expect(r.ok && r.value.rd).toBe('192.0.2.10:3');
    const again = t.set({ vni: 1, exportRts: ['65000:1'] });
    expect(again.ok && again.value.rd).toBe('192.0.2.10:2');
  });

  it('rejects bad values naming the field, and changes nothing', () => {
    const t = new EviTable(rid, 65010);
    expect(t.set({ vni: 0 })).toMatchObject({ ok: false });
    expect(t.set({ vni: 5000, rd: 'x:1' })).toMatchObject({ ok: false, error: expect.stringContaining('rd:') });
    expect(t.set({ vni: 5000, importRts: ['nope'] })).toMatchObject({ ok: false, error: expect.stringContaining('import_rts:') });
    expect(t.set({ vni: 5000, exportRts: ['*:5000'] })).toMatchObject({ ok: false, error: expect.stringContaining('export_rts:') });
    expect(t.size).toBe(0);
  });
});

describe('EVI import index', () => {
  const t = new EviTable(ip4('192.0.2.10'), 65010);
  t.set({ vni: 5000 }); // *:5000
  t.set({ vni: 6000, importRts: ['65000:6000'], exportRts: ['65000:6001'] }); // hub and spoke
  t.set({ vni: 7000, importRts: ['192.0.2.1:7', '65000:6000'] });

  it('the wildcard matches any AS with the same number, 2- and 4-octet, not an IPv4 administrator', () => {
    expect(t.importing(['65000:5000']).map((e) => e.vni)).toEqual([5000]);
    expect(t.importing(['4200000000:5000']).map((e) => e.vni)).toEqual([5000]);
    expect(t.importing(['192.0.2.1:5000'])).toEqual([]);
    expect(t.importing(['65000:5001'])).toEqual([]);
  });

  it('explicit lists import only what they name; import and export may differ', () => {
    expect(t.importing(['65000:6000']).map((e) => e.vni).sort()).toEqual([6000, 7000]);
    expect(t.importing(['65000:6001'])).toEqual([]);
    expect(t.get(6000)?.exportRts).toEqual(['65000:6001']);
    expect(t.importing(['192.0.2.1:7']).map((e) => e.vni)).toEqual([7000]);
  });

  it('each EVI once, whatever the number of matching targets', () => {
    expect(t.importing(['65000:6000', '192.0.2.1:7', '65000:5000']).map((e) => e.vni)).toEqual([6000, 7000, 5000]);
  });

  it('forgets a deleted EVI', () => {
    const u = new EviTable(ip4('192.0.2.10'), 65010);
    u.set({ vni: 5000 });
    const g = u.generation;
    u.delete(5000);
    expect(u.importing(['65000:5000'])).toEqual([]);
    expect(u.generation).toBeGreaterThan(g);
  });
});
