/**
 * RFC 7047 §5.1 values: atoms, ["uuid", …], ["named-uuid", …], ["set", […]],
 * ["map", […]], and their conversion to and from plain TypeScript values
 * driven by a column type (§3.2 <type>).
 *
 * TS shapes, chosen by column type (min/max as in §3.2):
 *   min 1, max 1      → the atom                (string | number | boolean)
 *   min 0, max 1      → the atom or null
 *   max > 1           → an array of atoms (order as received)
 *   with a value type → Map<key atom, value atom>
 * A uuid atom is its string form. When encoding, a string that is not a
 * UUID in a uuid column is taken as a uuid-name (§5.1 <named-uuid>): names
 * are identifiers and never contain '-', so the two never clash.
 * Left out: integers beyond 2^53 lose precision (JSON.parse).
 */

export type WireUuid = ['uuid', string];
export type WireNamedUuid = ['named-uuid', string];
export type WireAtom = string | number | boolean | WireUuid | WireNamedUuid;
export type WireSet = ['set', WireAtom[]];
export type WireMap = ['map', [WireAtom, WireAtom][]];
export type WireDatum = WireAtom | WireSet | WireMap;

export type Atom = string | number | boolean;
export type Datum = Atom | null | Atom[] | Map<Atom, Atom>;

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

/** §3.2 <base-type>, normalized. */
export interface BaseType {
  type: AtomicType;
  enum?: Atom[];
  refTable?: string;
  refType?: 'strong' | 'weak';
  minInteger?: number;
  maxInteger?: number;
  minReal?: number;
  maxReal?: number;
  minLength?: number;
  maxLength?: number;
}

/** §3.2 <type>, normalized: max is a number (Infinity for "unlimited"). */
export interface ColumnType {
  key: BaseType;
  value?: BaseType;
  min: number;
  max: number;
}

export type ColumnKind = 'scalar' | 'optional' | 'set' | 'map';

export function columnKind(t: ColumnType): ColumnKind {
  if (t.value) return 'map';
  if (t.max === 1) return t.min === 1 ? 'scalar' : 'optional';
  return 'set';
}

export interface ValueError {
  code: 'OVSDB_VALUE_INVALID';
  message: string;
}

export type ValueResult<T> = { ok: true; value: T } | { ok: false; error: ValueError };

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

export function uuid(s: string): WireUuid {
  return ['uuid', s];
}

function namedUuid(name: string): WireNamedUuid {
  return ['named-uuid', name];
}

function wireSet(atoms: WireAtom[]): WireSet {
  return ['set', atoms];
}

function wireMap(pairs: [WireAtom, WireAtom][]): WireMap {
  return ['map', pairs];
}

function invalid(message: string): { ok: false; error: ValueError } {
  return { ok: false, error: { code: 'OVSDB_VALUE_INVALID', message } };
}

/** Decode one atom of base type `t` (§5.1 <atom>). */
function decodeAtom(json: unknown, t: BaseType): ValueResult<Atom> {
  switch (t.type) {
    case 'string':
      return typeof json === 'string' ? { ok: true, value: json } : invalid(`expected string, got ${JSON.stringify(json)}`);
    case 'integer':
      return typeof json === 'number' && Number.isInteger(json) ? { ok: true, value: json } : invalid(`expected integer, got ${JSON.stringify(json)}`);
    case 'real':
      return typeof json === 'number' ? { ok: true, value: json } : invalid(`expected real, got ${JSON.stringify(json)}`);
    case 'boolean':
      return typeof json === 'boolean' ? { ok: true, value: json } : invalid(`expected boolean, got ${JSON.stringify(json)}`);
    case 'uuid':
      if (Array.isArray(json) && json.length === 2 && json[0] === 'uuid' && typeof json[1] === 'string' && isUuid(json[1])) {
        return { ok: true, value: json[1] };
      }
      return invalid(`expected ["uuid", …], got ${JSON.stringify(json)}`);
  }
}

/** Encode one atom; uuid strings that are not UUIDs become uuid-names. */
function encodeAtom(v: Atom, t: BaseType): WireAtom {
  if (t.type === 'uuid' && typeof v === 'string') return isUuid(v) ? uuid(v) : namedUuid(v);
  return v;
}

/** Check a TS atom against a base type (type only; ranges are the server's job). */
function atomMatches(v: unknown, t: BaseType): boolean {
  switch (t.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'real': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'uuid': return typeof v === 'string' && (isUuid(v) || NAME_RE.test(v));
  }
}

/** Elements of a set on the wire: a bare atom stands for a one-element set (§5.1 <set>). */
function setElements(json: unknown): unknown[] {
  if (Array.isArray(json) && json.length === 2 && json[0] === 'set' && Array.isArray(json[1])) return json[1] as unknown[];
  return [json];
}

/** Decode a column value (§5.1 <value>) into its TS shape. */
export function decodeDatum(json: unknown, t: ColumnType): ValueResult<Datum> {
  const kind = columnKind(t);
  if (kind === 'map') {
    if (!(Array.isArray(json) && json.length === 2 && json[0] === 'map' && Array.isArray(json[1]))) {
      return invalid(`expected ["map", …], got ${JSON.stringify(json)}`);
    }
    const out = new Map<Atom, Atom>();
    for (const pair of json[1] as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) return invalid(`bad map pair ${JSON.stringify(pair)}`);
      const k = decodeAtom(pair[0], t.key);
      if (!k.ok) return k;
      const v = decodeAtom(pair[1], t.value as BaseType);
      if (!v.ok) return v;
      out.set(k.value, v.value);
    }
    return { ok: true, value: out };
  }
  // A bare atom in a scalar or optional column, the common case: no set to build.
  if (kind !== 'set' && !(Array.isArray(json) && json[0] === 'set')) return decodeAtom(json, t.key);
  const elems = setElements(json);
  const atoms: Atom[] = [];
  for (const e of elems) {
    const a = decodeAtom(e, t.key);
    if (!a.ok) return a;
    atoms.push(a.value);
  }
  if (kind === 'set') return { ok: true, value: atoms };
  if (atoms.length > 1) return invalid(`expected at most one value, got ${atoms.length}`);
  if (atoms.length === 0) return kind === 'optional' ? { ok: true, value: null } : invalid('expected exactly one value, got none');
  return { ok: true, value: atoms[0] };
}

/** Encode a TS value for a column; checks the shape and atom types. */
export function encodeDatum(v: unknown, t: ColumnType): ValueResult<WireDatum> {
  const kind = columnKind(t);
  if (kind === 'map') {
    if (!(v instanceof Map)) return invalid('expected a Map');
    const pairs: [WireAtom, WireAtom][] = [];
    for (const [k, val] of v) {
      if (!atomMatches(k, t.key) || !atomMatches(val, t.value as BaseType)) return invalid(`bad map entry ${String(k)} → ${String(val)}`);
      pairs.push([encodeAtom(k as Atom, t.key), encodeAtom(val as Atom, t.value as BaseType)]);
    }
    return { ok: true, value: wireMap(pairs) };
  }
  if (kind === 'set') {
    if (!Array.isArray(v)) return invalid('expected an array');
    const atoms: WireAtom[] = [];
    for (const a of v) {
      if (!atomMatches(a, t.key)) return invalid(`bad set element ${JSON.stringify(a)}`);
      atoms.push(encodeAtom(a as Atom, t.key));
    }
    return { ok: true, value: wireSet(atoms) };
  }
  if (v === null || v === undefined) {
    return kind === 'optional' ? { ok: true, value: wireSet([]) } : invalid('value required');
  }
  if (!atomMatches(v, t.key)) return invalid(`expected ${t.key.type}, got ${JSON.stringify(v)}`);
  return { ok: true, value: encodeAtom(v as Atom, t.key) };
}

/** The default value of a column (§3.2: 0, 0.0, false, "", the all-zero UUID; empty set/map). */
export function defaultDatum(t: ColumnType): Datum {
  switch (columnKind(t)) {
    case 'map': return new Map();
    case 'set': return [];
    case 'optional': return null;
    case 'scalar': return defaultAtom(t.key);
  }
}

function defaultAtom(t: BaseType): Atom {
  switch (t.type) {
    case 'string': return t.enum && t.enum.length > 0 ? t.enum[0] : '';
    case 'integer': return 0;
    case 'real': return 0;
    case 'boolean': return false;
    case 'uuid': return ZERO_UUID;
  }
}

/**
 * Apply an update2 "modify" difference to a value (ovsdb-server(7) §4.1.14):
 * single-valued columns (max 1) carry the new value; sets carry the elements
 * to toggle; maps carry pairs to add (new key), remove (same key and value)
 * or replace (same key, other value).
 */
export function applyDatumDiff(old: Datum, diffJson: unknown, t: ColumnType): ValueResult<Datum> {
  const kind = columnKind(t);
  if (kind === 'scalar' || kind === 'optional') return decodeDatum(diffJson, t);
  const relaxed: ColumnType = { ...t, min: 0, max: Infinity };
  const d = decodeDatum(diffJson, relaxed);
  if (!d.ok) return d;
  if (kind === 'set') {
    const next = new Set(old as Atom[]);
    for (const a of d.value as Atom[]) {
      if (next.has(a)) next.delete(a);
      else next.add(a);
    }
    return { ok: true, value: [...next] };
  }
  const next = new Map(old as Map<Atom, Atom>);
  for (const [k, v] of d.value as Map<Atom, Atom>) {
    if (next.has(k) && next.get(k) === v) next.delete(k);
    else next.set(k, v);
  }
  return { ok: true, value: next };
}

/** Normalize a §3.2 <type> from schema JSON. */
export function parseColumnType(json: unknown): ValueResult<ColumnType> {
  if (typeof json === 'string') {
    const base = parseBaseType(json);
    return base.ok ? { ok: true, value: { key: base.value, min: 1, max: 1 } } : base;
  }
  if (typeof json !== 'object' || json === null) return invalid(`bad column type ${JSON.stringify(json)}`);
  const o = json as Record<string, unknown>;
  const key = parseBaseType(o.key);
  if (!key.ok) return key;
  let value: BaseType | undefined;
  if (o.value !== undefined) {
    const v = parseBaseType(o.value);
    if (!v.ok) return v;
    value = v.value;
  }
  const min = o.min === undefined ? 1 : o.min;
  const max = o.max === undefined ? 1 : o.max === 'unlimited' ? Infinity : o.max;
  if (typeof min !== 'number' || typeof max !== 'number') return invalid(`bad min/max in ${JSON.stringify(json)}`);
  return { ok: true, value: value ? { key: key.value, value, min, max } : { key: key.value, min, max } };
}

function parseBaseType(json: unknown): ValueResult<BaseType> {
  const types: AtomicType[] = ['integer', 'real', 'boolean', 'string', 'uuid'];
  if (typeof json === 'string') {
    return types.includes(json as AtomicType) ? { ok: true, value: { type: json as AtomicType } } : invalid(`unknown atomic type ${json}`);
  }
  if (typeof json !== 'object' || json === null) return invalid(`bad base type ${JSON.stringify(json)}`);
  const o = json as Record<string, unknown>;
  if (!types.includes(o.type as AtomicType)) return invalid(`unknown atomic type ${JSON.stringify(o.type)}`);
  const out: BaseType = { type: o.type as AtomicType };
  if (o.enum !== undefined) {
    const elems = setElements(o.enum);
    if (!elems.every((e) => atomMatches(e, { type: out.type === 'uuid' ? 'string' : out.type }))) return invalid(`bad enum ${JSON.stringify(o.enum)}`);
    out.enum = elems as Atom[];
  }
  if (typeof o.refTable === 'string') {
    out.refTable = o.refTable;
    out.refType = o.refType === 'weak' ? 'weak' : 'strong';
  }
  for (const k of ['minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength'] as const) {
    if (typeof o[k] === 'number') out[k] = o[k] as number;
  }
  return { ok: true, value: out };
}
