/**
 * YAML text → checked Config (DESIGN.md §4). A small schema walker: each
 * section names its keys, unknown keys and bad values become
 * "key.path[i].name: reason" lines, and every error is collected, not just the
 * first. YAML syntax errors carry SOURCE:LINE:COLUMN.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULTS, LOG_LEVELS } from './types.js';
import type { ApiConfig, BgpConfig, Config, ConfigResult, EviConfig, EvpnConfig, ListenConfig, LogLevel, PeerConfig, VtepConfig, VtepSslConfig } from './types.js';
import {
  checkBoolean, checkHoldTime, checkInteger, checkIp, checkOneOf, checkOvsdbTarget, checkRouterId, checkString, checkVni,
  checkRouteDistinguisher, checkRouteTarget, ipFamily, show,
} from './values.js';
import type { Checked } from './values.js';

type Obj = Record<string, unknown>;
type Check<T> = (v: unknown) => Checked<T>;

const checkAs: Check<number> = (v) => checkInteger(v, 1, 0xffffffff);
const checkListenPort: Check<number> = (v) => checkInteger(v, 0, 65535);
const checkPeerPort: Check<number> = (v) => checkInteger(v, 1, 65535);
const checkConnectRetry: Check<number> = (v) => checkInteger(v, 1, 65535);
const checkMaxPrefixes: Check<number> = (v) => checkInteger(v, 1, 0xffffffff);
const checkLogLevel: Check<LogLevel> = (v) => checkOneOf(v, LOG_LEVELS);

const KEYS = {
  root: ['router_id', 'local_as', 'bgp', 'vteps', 'evpn', 'config_db', 'data_dir', 'api', 'log_level'],
  bgp: ['listen', 'hold_time', 'connect_retry', 'peers'],
  listen: ['host', 'port'],
  peer: ['address', 'remote_as', 'port', 'local_address', 'passive', 'hold_time', 'max_prefixes', 'graceful_restart'],
  vtep: ['switch', 'ovsdb', 'ssl', 'lock'],
  vtepSsl: ['private_key', 'certificate', 'ca_cert'],
  evpn: ['auto_vni', 'vnis'],
  evi: ['vni', 'rd', 'import_rts', 'export_rts'],
  api: ['listen', 'token_file'],
} as const;

/** `bgp.peers[0].address`; a key that is not a plain name is quoted: `bgp["hold time"]`. */
function at(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function isMapping(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Walker {
  readonly errors: string[] = [];

  fail(path: string, reason: string): void {
    this.errors.push(`${path}: ${reason}`);
  }

  /** The mapping at `path` with only `keys` allowed; undefined (and an error) if it is not one. */
  mapping(path: string, v: unknown, keys: readonly string[]): Obj | undefined {
    if (!isMapping(v)) {
      this.fail(path, `must be a mapping, got ${show(v)}`);
      return undefined;
    }
    for (const key of Object.keys(v)) {
      if (keys.includes(key)) continue;
      const near = keys.find((k) => editDistance(k, key) <= 2);
      this.fail(at(path, key), near === undefined ? 'unknown key' : `unknown key (did you mean ${near}?)`);
    }
    return v;
  }

  list(path: string, v: unknown): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    this.fail(path, `must be a list, got ${show(v)}`);
    return undefined;
  }

  /** Absent key: undefined. Present and bad: an error, then undefined. */
  optional<T>(obj: Obj, path: string, key: string, check: Check<T>): T | undefined {
    if (!(key in obj)) return undefined;
    const r = check(obj[key]);
    if (r.ok) return r.value;
    this.fail(at(path, key), r.reason);
    return undefined;
  }

  required<T>(obj: Obj, path: string, key: string, check: Check<T>): T | undefined {
    if (!(key in obj)) {
      this.fail(at(path, key), 'required');
      return undefined;
    }
    return this.optional(obj, path, key, check);
  }

  withDefault<T>(obj: Obj, path: string, key: string, check: Check<T>, fallback: T): T {
    return this.optional(obj, path, key, check) ?? fallback;
  }
}

function walkListen(w: Walker, path: string, v: unknown, host: string, port: number): ListenConfig | undefined {
  const m = w.mapping(path, v, KEYS.listen);
  if (m === undefined) return undefined;
  return { host: w.withDefault(m, path, 'host', checkIp, host), port: w.withDefault(m, path, 'port', checkListenPort, port) };
}

function walkPeer(w: Walker, path: string, v: unknown, holdTime: number): PeerConfig | undefined {
  const m = w.mapping(path, v, KEYS.peer);
  if (m === undefined) return undefined;
  const address = w.required(m, path, 'address', checkIp);
  const remoteAs = w.required(m, path, 'remote_as', checkAs);
  const localAddress = w.optional(m, path, 'local_address', checkIp);
  if (address !== undefined && localAddress !== undefined && ipFamily(address) !== ipFamily(localAddress)) {
    w.fail(at(path, 'local_address'), `must be of the same address family as address (IPv${ipFamily(address)}), got ${show(m.local_address)}`);
  }
  const peer: PeerConfig = {
    address: address ?? '',
    remote_as: remoteAs ?? 0,
    port: w.withDefault(m, path, 'port', checkPeerPort, DEFAULTS.peer_port),
    passive: w.withDefault(m, path, 'passive', checkBoolean, DEFAULTS.passive),
    hold_time: w.withDefault(m, path, 'hold_time', checkHoldTime, holdTime),
    graceful_restart: w.withDefault(m, path, 'graceful_restart', checkBoolean, DEFAULTS.graceful_restart),
  };
  if (localAddress !== undefined) peer.local_address = localAddress;
  const maxPrefixes = w.optional(m, path, 'max_prefixes', checkMaxPrefixes);
  if (maxPrefixes !== undefined) peer.max_prefixes = maxPrefixes;
  return peer;
}

/** Reports the second and later occurrences of a key among list items. */
function duplicates<T>(w: Walker, listPath: string, field: string, items: ReadonlyArray<T | undefined>, key: (item: T) => string | undefined): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (item === undefined) return;
    const k = key(item);
    if (k === undefined) return;
    const j = first.get(k);
    if (j === undefined) first.set(k, i);
    else w.fail(`${listPath}[${i}].${field}`, `duplicate of ${listPath}[${j}].${field} (${k})`);
  });
}

function walkBgp(w: Walker, v: unknown): BgpConfig {
  const path = 'bgp';
  const m = w.mapping(path, v, KEYS.bgp) ?? {};
  const holdTime = w.withDefault(m, path, 'hold_time', checkHoldTime, DEFAULTS.hold_time);
  const bgp: BgpConfig = {
    hold_time: holdTime,
    connect_retry: w.withDefault(m, path, 'connect_retry', checkConnectRetry, DEFAULTS.connect_retry),
    peers: [],
  };
  if ('listen' in m) {
    const listen = walkListen(w, at(path, 'listen'), m.listen, DEFAULTS.listen_host, DEFAULTS.listen_port);
    if (listen !== undefined) bgp.listen = listen;
  }
  if ('peers' in m) {
    const items = w.list('bgp.peers', m.peers) ?? [];
    const peers = items.map((p, i) => walkPeer(w, `bgp.peers[${i}]`, p, holdTime));
    duplicates(w, 'bgp.peers', 'address', peers, (p) => p.address || undefined);
    peers.forEach((p, i) => {
      // Nothing would accept a passive peer without a listening socket (RFC 4271 §8.2.1.2 PassiveTcpEstablishment).
      if (p?.passive && !('listen' in m)) w.fail(`bgp.peers[${i}].passive`, 'true needs bgp.listen (nothing would accept this peer)');
    });
    bgp.peers = peers.filter((p): p is PeerConfig => p !== undefined);
  }
  return bgp;
}

function walkVteps(w: Walker, v: unknown): VtepConfig[] {
  const items = w.list('vteps', v) ?? [];
  const vteps = items.map((item, i): VtepConfig | undefined => {
    const path = `vteps[${i}]`;
    const m = w.mapping(path, item, KEYS.vtep);
    if (m === undefined) return undefined;
    const vtep: VtepConfig = { switch: w.required(m, path, 'switch', checkString) ?? '', ovsdb: w.required(m, path, 'ovsdb', checkOvsdbTarget) ?? '' };
    const isSsl = vtep.ovsdb.startsWith('ssl:');
    if ('ssl' in m) {
      if (vtep.ovsdb !== '' && !isSsl) w.fail(at(path, 'ssl'), `only for an ssl: target (ovsdb is ${vtep.ovsdb})`);
      const ssl = walkVtepSsl(w, at(path, 'ssl'), m.ssl);
      if (ssl) vtep.ssl = ssl;
    } else if (isSsl) {
      w.fail(at(path, 'ssl'), 'required for an ssl: target: private_key, certificate and ca_cert (PEM files)');
    }
    const lock = w.optional(m, path, 'lock', checkLockId);
    if (lock !== undefined) vtep.lock = lock;
    return vtep;
  });
  duplicates(w, 'vteps', 'switch', vteps, (t) => t.switch || undefined);
  return vteps.filter((t): t is VtepConfig => t !== undefined);
}

/** An OVSDB lock name is an <id> (RFC 7047 §3.1): letters, digits and underscores, not starting with a digit. */
const checkLockId: Check<string> = (v) => {
  const s = checkString(v);
  if (!s.ok) return s;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.value) ? s : { ok: false, reason: `must be an OVSDB <id> (letters, digits, _; not starting with a digit), got ${show(v)}` };
};

/** A PEM file the daemon must be able to read. */
const checkReadableFile: Check<string> = (v) => {
  const s = checkString(v);
  if (!s.ok) return s;
  try {
    accessSync(s.value, constants.R_OK);
    return s;
  } catch (e) {
    return { ok: false, reason: `cannot read ${s.value}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
};

function walkVtepSsl(w: Walker, path: string, v: unknown): VtepSslConfig | undefined {
  const m = w.mapping(path, v, KEYS.vtepSsl);
  if (m === undefined) return undefined;
  const privateKey = w.required(m, path, 'private_key', checkReadableFile);
  const certificate = w.required(m, path, 'certificate', checkReadableFile);
  const caCert = w.required(m, path, 'ca_cert', checkReadableFile);
  if (privateKey === undefined || certificate === undefined || caCert === undefined) return undefined;
  return { private_key: privateKey, certificate, ca_cert: caCert };
}

function walkRts(w: Walker, path: string, v: unknown, allowAny: boolean): string[] | undefined {
  const items = w.list(path, v);
  if (items === undefined) return undefined;
  if (items.length === 0) {
    w.fail(path, 'must not be empty (omit it for the automatic value)');
    return undefined;
  }
  const rts = items.map((item, i) => {
    const r = checkRouteTarget(item, allowAny);
    if (r.ok) return r.value;
    w.fail(`${path}[${i}]`, r.reason);
    return undefined;
  });
  const first = new Map<string, number>();
  rts.forEach((rt, i) => {
    if (rt === undefined) return;
    const j = first.get(rt);
    if (j === undefined) first.set(rt, i);
    else w.fail(`${path}[${i}]`, `duplicate of ${path}[${j}] (${rt})`);
  });
  return rts.filter((rt): rt is string => rt !== undefined);
}

function walkEvi(w: Walker, path: string, v: unknown): EviConfig | undefined {
  const m = w.mapping(path, v, KEYS.evi);
  if (m === undefined) return undefined;
  const evi: EviConfig = { vni: w.required(m, path, 'vni', checkVni) ?? 0 };
  const rd = w.optional(m, path, 'rd', checkRouteDistinguisher);
  if (rd !== undefined) evi.rd = rd;
  if ('import_rts' in m) {
    const rts = walkRts(w, at(path, 'import_rts'), m.import_rts, true);
    if (rts !== undefined) evi.import_rts = rts;
  }
  if ('export_rts' in m) {
    const rts = walkRts(w, at(path, 'export_rts'), m.export_rts, false);
    if (rts !== undefined) evi.export_rts = rts;
  }
  return evi;
}

function walkEvpn(w: Walker, v: unknown): EvpnConfig {
  const path = 'evpn';
  const m = w.mapping(path, v, KEYS.evpn) ?? {};
  const evpn: EvpnConfig = { auto_vni: w.withDefault(m, path, 'auto_vni', checkBoolean, DEFAULTS.auto_vni), vnis: [] };
  if ('vnis' in m) {
    const items = w.list('evpn.vnis', m.vnis) ?? [];
    const evis = items.map((e, i) => walkEvi(w, `evpn.vnis[${i}]`, e));
    duplicates(w, 'evpn.vnis', 'vni', evis, (e) => (e.vni === 0 ? undefined : String(e.vni)));
    // RFC 7432 §7.9: an RD is unique per EVI on a PE.
    duplicates(w, 'evpn.vnis', 'rd', evis, (e) => e.rd);
    evpn.vnis = evis.filter((e): e is EviConfig => e !== undefined);
  }
  return evpn;
}

function walkApi(w: Walker, v: unknown, dataDir: string): ApiConfig | undefined {
  const path = 'api';
  const m = w.mapping(path, v, KEYS.api);
  if (m === undefined) return undefined;
  const listen = 'listen' in m
    ? walkListen(w, at(path, 'listen'), m.listen, DEFAULTS.api_host, DEFAULTS.api_port)
    : { host: DEFAULTS.api_host, port: DEFAULTS.api_port };
  const tokenFile = w.withDefault(m, path, 'token_file', checkString, join(dataDir, DEFAULTS.token_file_name));
  return listen === undefined ? undefined : { listen, token_file: tokenFile };
}

/** Checks a parsed YAML value (the document root) and applies the defaults. */
export function validateConfig(root: unknown): ConfigResult {
  const w = new Walker();
  if (root !== null && root !== undefined && !isMapping(root)) return { ok: false, errors: [`(top level): must be a mapping, got ${show(root)}`] };
  const m = w.mapping('', root ?? {}, KEYS.root) ?? {};
  const routerId = w.required(m, '', 'router_id', checkRouterId);
  const localAs = w.required(m, '', 'local_as', checkAs);
  const bgp = walkBgp(w, 'bgp' in m ? m.bgp : {});
  const vteps = 'vteps' in m ? walkVteps(w, m.vteps) : [];
  const evpn = walkEvpn(w, 'evpn' in m ? m.evpn : {});
  const configDb = w.optional(m, '', 'config_db', checkOvsdbTarget);
  const dataDir = w.withDefault(m, '', 'data_dir', checkString, DEFAULTS.data_dir);
  const api = 'api' in m ? walkApi(w, m.api, dataDir) : undefined;
  const logLevel = w.withDefault(m, '', 'log_level', checkLogLevel, DEFAULTS.log_level);
  if (w.errors.length > 0 || routerId === undefined || localAs === undefined) return { ok: false, errors: w.errors };
  const config: Config = { router_id: routerId, local_as: localAs, bgp, vteps, evpn, data_dir: dataDir, log_level: logLevel };
  if (configDb !== undefined) config.config_db = configDb;
  if (api !== undefined) config.api = api;
  return { ok: true, config };
}

/** YAML text → Config; `sourceName` prefixes syntax errors (usually the file path). */
export function parseConfig(text: string, sourceName: string): ConfigResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos === undefined ? sourceName : `${sourceName}:${pos.line}:${pos.col}`;
        const message = e.code === 'MULTIPLE_DOCS' ? 'a config file holds a single YAML document' : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${where}: ${message}`;
      }),
    };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved or excessive aliases surface only here.
    return { ok: false, errors: [`${sourceName}: ${(err as Error).message}`] };
  }
  return validateConfig(root);
}

export function loadConfig(path: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${path}: cannot read: ${(err as Error).message}`] };
  }
  return parseConfig(text, path);
}
