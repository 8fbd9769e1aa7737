/**
 * Open-addressing hash table (linear probing, backward-shift deletion) over
 * a plain array of entry references. The RIB keys millions of type-2 routes
 * by (RD, ethernet tag, MAC, IP); a Map would need a key string or a boxed
 * 48-bit number per route, this needs one 8-octet slot at most 3/4 full.
 *
 * Entries carry their own key fields: lookups pass a probe entry (a reused
 * scratch object) and the table compares with the per-table `same` function.
 */

export interface TableKeying<T> {
  hash(e: T): number;
  same(a: T, b: T): boolean;
}

const MIN_CAPACITY = 16;

export class OpenTable<T extends object> {
  private slots: Array<T | undefined>;
  private mask: number;
  size = 0;

  constructor(private readonly keying: TableKeying<T>) {
    this.slots = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
  }

  get(probe: T): T | undefined {
    const { slots, mask } = this;
    for (let i = this.keying.hash(probe) & mask; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) return undefined;
      if (this.keying.same(e, probe)) return e;
    }
  }

  /** Inserts `entry`, replacing an entry of the same key; returns the replaced one. */
  set(entry: T): T | undefined {
    if ((this.size + 1) * 4 > this.slots.length * 3) this.grow();
    const { slots, mask } = this;
    for (let i = this.keying.hash(entry) & mask; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) {
        slots[i] = entry;
        this.size++;
        return undefined;
      }
      if (this.keying.same(e, entry)) {
        slots[i] = entry;
        return e;
      }
    }
  }

  /** Removes the entry with the probe's key and returns it. */
  delete(probe: T): T | undefined {
    const { slots, mask } = this;
    let i = this.keying.hash(probe) & mask;
    let found: T | undefined;
    for (; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) return undefined;
      if (this.keying.same(e, probe)) {
        found = e;
        break;
      }
    }
    // Backward shift: move later members of the probe run into the hole when
    // their home slot does not lie cyclically in (hole, j].
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = slots[j];
      if (e === undefined) break;
      const home = this.keying.hash(e) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        slots[hole] = e;
        hole = j;
      }
    }
    slots[hole] = undefined;
    this.size--;
    if (this.slots.length > MIN_CAPACITY && this.size * 8 < this.slots.length) this.resize(this.slots.length >>> 1);
    return found;
  }

  *values(): IterableIterator<T> {
    // A snapshot, so callers may delete while iterating.
    const copy = this.slots.slice();
    for (const e of copy) if (e !== undefined) yield e;
  }

  private grow(): void {
    this.resize(this.slots.length * 2);
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    const { slots, mask } = this;
    for (const e of old) {
      if (e === undefined) continue;
      let i = this.keying.hash(e) & mask;
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = e;
    }
  }
}

/** 32-bit integer mixing (the finalizer of MurmurHash3), for composing keys. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
