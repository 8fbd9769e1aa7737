/**
 * Encoder scratch space: messages are written into one growing buffer and copied out
 * once, so an UPDATE costs one allocation however many attributes it carries.
 * Encoding is synchronous and never re-entered, so one module-level writer serves all.
 */

export class Writer {
  buf: Buffer = Buffer.allocUnsafe(8192);
  off = 0;

  reset(): this {
    this.off = 0;
    return this;
  }

  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.off + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.off++] = v & 0xff;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.off);
    this.off += 2;
  }

  u24(v: number): void {
    this.ensure(3);
    this.buf.writeUIntBE(v & 0xffffff, this.off, 3);
    this.off += 3;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.off);
    this.off += 4;
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    // TypedArray.set: no native call overhead for the small values most attributes are.
    this.buf.set(b, this.off);
    this.off += b.length;
  }

  /** Writes a 2-octet length placeholder and returns its position for `patch16`. */
  hole16(): number {
    this.ensure(2);
    const at = this.off;
    this.off += 2;
    return at;
  }

  /** Fills a `hole16` with the number of octets written after it. */
  patch16(at: number): number {
    const len = this.off - at - 2;
    this.buf.writeUInt16BE(len, at);
    return len;
  }

  /** A copy of what was written. */
  copy(): Buffer {
    const out = Buffer.allocUnsafe(this.off);
    out.set(this.buf.subarray(0, this.off));
    return out;
  }
}

export const scratch = new Writer();
