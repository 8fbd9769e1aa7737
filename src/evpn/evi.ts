/**
 * EVPN instances (EVIs), one per VNI (RFC 8365 §5.1.2: VNI-based service
 * interface, one bridge domain per EVI), with their route distinguisher and
 * import/export route targets (RFC 7432 §7.9, RFC 4364 §4.3.1).
 *
 * Automatic values when none are configured follow FRR so that the most
 * common peer interoperates without configuration (DESIGN.md §2):
 * - RD `router-id:N` (type 1), N the lowest free index from a space that
 *   starts at 1, where index 1 belongs to the BGP instance itself (FRR's
 *   `bm->rd_idspace`: 0 is reserved, the default instance takes the next),
 *   so the first EVI gets 2; a freed index is reused;
 * - export RT `(local-AS & 0xFFFF):VNI` (type 0; RFC 8365 §5.1.2.1 auto-derives
 *   it from the AS and VNI);
 * - import RT `*:VNI`: any AS, same number, so eBGP fabrics where every site
 *   has its own AS work out of the box.
 * Explicit lists replace the automatic ones separately, so import and export
 * may differ (hub and spoke).
 *
 * The import decision is indexed: route target text → EVIs, and for the
 * wildcard, the number → EVIs, so importing a route never scans the EVIs.
 * Left out: per-EVI ethernet tags (VLAN-aware bundle service), route maps.
 */

import type { TextResult } from './rd.js';
import { formatIpv4 } from '../bgp/wire/ipv4.js';
import { parseRd } from './rd.js';
import { canonicalRouteTarget } from './ext-communities.js';

export interface EviConfig {
  vni: number;
  /** RD text; omitted: automatic `router-id:N`. */
  rd?: string;
  /** Route targets to import, "*:N" allowed; omitted or empty: automatic `*:VNI`. */
  importRts?: readonly string[];
  /** Route targets to export; omitted or empty: automatic `(AS & 0xFFFF):VNI`. */
  exportRts?: readonly string[];
}

export interface Evi {
  readonly vni: number;
  /** Index in the RD id space; used by the automatic RD (0 when the RD is configured). */
  readonly rdIndex: number;
  /** Canonical RD text. */
  readonly rd: string;
  /** Canonical import route targets, wildcards as "*:N". */
  readonly importRts: readonly string[];
  /** Canonical export route targets (never wildcards). */
  readonly exportRts: readonly string[];
  readonly auto: { readonly rd: boolean; readonly importRts: boolean; readonly exportRts: boolean };
}

/** RFC 8365 §5.1.3: the VNI travels in a 24-bit label field. */
export const MAX_VNI = 0xffffff;
/** FRR's RD id space is 16 bits wide; type 1 RDs have a 2-octet number. */
const MAX_RD_INDEX = 0xffff;
/** Index 1 is the BGP instance's own (FRR assigns it to the default VRF). */
const FIRST_EVI_RD_INDEX = 2;

export function autoRd(routerId: number, index: number): string {
  return `${formatIpv4(routerId)}:${index}`;
}

export function autoExportRt(localAs: number, vni: number): string {
  return `${localAs & 0xffff}:${vni}`;
}

export function autoImportRt(vni: number): string {
  return `*:${vni}`;
}

function isWildcard(rt: string): boolean {
  return rt.startsWith('*:');
}

/**
 * The assigned number of an AS-based route target text ("65000:5000", "100L:7"),
 * or -1 for an IPv4-based one: what a wildcard "*:N" is matched on (any 2- or
 * 4-octet AS, number N, as FRR's `route-target import *:N`).
 */
function asBasedNumber(rt: string): number {
  if (rt.includes('.')) return -1;
  const colon = rt.lastIndexOf(':');
  return colon > 0 ? Number(rt.slice(colon + 1)) : -1;
}

/**
 * The EVIs of one speaker, with the RT → EVI import index. Configuration
 * errors come back as data naming the field.
 */
export class EviTable {
  private readonly byVni = new Map<number, Evi>();
  private readonly exactImport = new Map<string, Set<Evi>>();
  private readonly wildcardImport = new Map<number, Set<Evi>>();
  private readonly usedRdIndex = new Set<number>();
  /** Bumped on every change, so caches of import decisions know when to recompute. */
  generation = 0;

  constructor(
    private readonly routerId: number,
    private readonly localAs: number,
  ) {}

  get size(): number {
    return this.byVni.size;
  }

  get(vni: number): Evi | undefined {
    return this.byVni.get(vni);
  }

  all(): IterableIterator<Evi> {
    return this.byVni.values();
  }

  /** Adds or replaces the EVI of `cfg.vni`; on error nothing changes. */
  set(cfg: EviConfig): TextResult<Evi> {
    const { vni } = cfg;
    if (!Number.isInteger(vni) || vni < 1 || vni > MAX_VNI) return { ok: false, error: `vni: ${vni} is not in 1..${MAX_VNI}` };
    const old = this.byVni.get(vni);
    let rd: string;
    let rdIndex = 0;
    if (cfg.rd !== undefined) {
      const r = parseRd(cfg.rd);
      if (!r.ok) return { ok: false, error: `rd: ${r.error}` };
      rd = r.value;
    } else if (old && old.auto.rd) {
      rdIndex = old.rdIndex;
      rd = old.rd;
    } else {
      rdIndex = this.freeRdIndex();
      if (rdIndex < 0) return { ok: false, error: 'rd: no free automatic RD index left' };
      rd = autoRd(this.routerId, rdIndex);
    }
    const importRts: string[] = [];
    for (const t of cfg.importRts ?? []) {
      const c = canonicalRouteTarget(t);
      if (!c.ok) return { ok: false, error: `import_rts: ${c.error}` };
      if (!importRts.includes(c.value)) importRts.push(c.value);
    }
    const exportRts: string[] = [];
    for (const t of cfg.exportRts ?? []) {
      const c = canonicalRouteTarget(t);
      if (!c.ok) return { ok: false, error: `export_rts: ${c.error}` };
      if (isWildcard(c.value)) return { ok: false, error: `export_rts: "${t}": a wildcard can only be imported` };
      if (!exportRts.includes(c.value)) exportRts.push(c.value);
    }
    const autoImport = importRts.length === 0;
    const autoExport = exportRts.length === 0;
    if (autoImport) importRts.push(autoImportRt(vni));
    if (autoExport) exportRts.push(autoExportRt(this.localAs, vni));
    const evi: Evi = { vni, rdIndex, rd, importRts, exportRts, auto: { rd: cfg.rd === undefined, importRts: autoImport, exportRts: autoExport } };
    if (old) this.unindex(old);
    if (old && old.rdIndex !== 0 && old.rdIndex !== rdIndex) this.usedRdIndex.delete(old.rdIndex);
    if (rdIndex !== 0) this.usedRdIndex.add(rdIndex);
    this.byVni.set(vni, evi);
    this.index(evi);
    this.generation++;
    return { ok: true, value: evi };
  }

  /** Removes the EVI; its automatic RD index becomes free again. */
  delete(vni: number): Evi | undefined {
    const evi = this.byVni.get(vni);
    if (!evi) return undefined;
    this.unindex(evi);
    this.byVni.delete(vni);
    if (evi.rdIndex !== 0) this.usedRdIndex.delete(evi.rdIndex);
    this.generation++;
    return evi;
  }

  /**
   * The EVIs importing a route carrying these route targets (canonical text,
   * as readEvpnCommunities gives them), each once, in a stable order.
   */
  importing(routeTargets: readonly string[]): Evi[] {
    const out: Evi[] = [];
    for (const rt of routeTargets) {
      const exact = this.exactImport.get(rt);
      if (exact) for (const e of exact) if (!out.includes(e)) out.push(e);
      const n = asBasedNumber(rt);
      const wild = n >= 0 ? this.wildcardImport.get(n) : undefined;
      if (wild) for (const e of wild) if (!out.includes(e)) out.push(e);
    }
    return out;
  }

  private freeRdIndex(): number {
    for (let i = FIRST_EVI_RD_INDEX; i <= MAX_RD_INDEX; i++) if (!this.usedRdIndex.has(i)) return i;
    return -1;
  }

  private index(evi: Evi): void {
    for (const rt of evi.importRts) {
      if (isWildcard(rt)) addTo(this.wildcardImport, Number(rt.slice(2)), evi);
      else addTo(this.exactImport, rt, evi);
    }
  }

  private unindex(evi: Evi): void {
    for (const rt of evi.importRts) {
      if (isWildcard(rt)) removeFrom(this.wildcardImport, Number(rt.slice(2)), evi);
      else removeFrom(this.exactImport, rt, evi);
    }
  }
}

function addTo<K>(m: Map<K, Set<Evi>>, k: K, evi: Evi): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(evi);
}

function removeFrom<K>(m: Map<K, Set<Evi>>, k: K, evi: Evi): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(evi);
  if (s.size === 0) m.delete(k);
}
