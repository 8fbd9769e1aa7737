/**
 * Framing of the OVSDB JSON-RPC stream (RFC 7047 §4: JSON-RPC 1.0 over a
 * stream, messages back to back with no delimiter).
 *
 * The framer scans bytes once (string content by indexOf), tracking
 * string/escape state and bracket depth, and yields each complete
 * top-level JSON text as a Buffer. It does not parse: numbers of any
 * size, escaped quotes and braces inside strings, and UTF-8 sequences
 * split across chunks pass through untouched (every byte of a multi-byte
 * sequence is >= 0x80, so it never looks like a quote, backslash or
 * bracket). Top-level scalars are not allowed: JSON-RPC
 * messages are objects (arrays are accepted too, to stay generic).
 */

export interface FrameError {
  code: 'OVSDB_FRAME_INVALID' | 'OVSDB_FRAME_TOO_LARGE';
  message: string;
}

export type FrameResult = { ok: true; messages: Buffer[] } | { ok: false; error: FrameError; messages: Buffer[] };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Backslashes immediately before `end`, not looking before `from`. */
function trailingBackslashes(chunk: Buffer, from: number, end: number): number {
  let k = end;
  while (k > from && chunk[k - 1] === BACKSLASH) k--;
  return end - k;
}

export class JsonFramer {
  /** Pieces of the message in progress, from earlier chunks. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private failed: FrameError | undefined;

  constructor(private readonly maxMessageBytes = 64 * 1024 * 1024) {}

  /** Bytes held for an incomplete message. */
  get pending(): number {
    return this.partsLength;
  }

  /**
   * Feed one chunk; returns the messages it completes. After an error the
   * stream is unusable (the framing is lost) and every later push fails.
   */
  push(chunk: Buffer): FrameResult {
    const messages: Buffer[] = [];
    if (this.failed) return { ok: false, error: this.failed, messages };
    let start = this.depth > 0 ? 0 : -1;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        // Most of the stream is string content: jump to the next quote
        // (memchr speed), then count the backslashes just before it. The run
        // cannot reach back past i, where no escape was pending.
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) {
          escaped = trailingBackslashes(chunk, i, n) % 2 === 1;
          i = n;
          break;
        }
        if (trailingBackslashes(chunk, i, q) % 2 === 0) inString = false;
        i = q;
        continue;
      }
      if (depth === 0) {
        if (isWhitespace(c)) continue;
        if (c !== LBRACE && c !== LBRACKET) {
          return this.fail({ code: 'OVSDB_FRAME_INVALID', message: `unexpected byte 0x${c.toString(16)} between JSON-RPC messages` }, messages);
        }
        depth = 1;
        start = i;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === LBRACE || c === LBRACKET) depth++;
      else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) {
          messages.push(this.take(chunk, start, i + 1));
          start = -1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (depth > 0 && start >= 0) {
      const rest = chunk.subarray(start);
      this.parts.push(rest);
      this.partsLength += rest.length;
      if (this.partsLength > this.maxMessageBytes) {
        return this.fail({ code: 'OVSDB_FRAME_TOO_LARGE', message: `message exceeds ${this.maxMessageBytes} bytes` }, messages);
      }
    }
    return { ok: true, messages };
  }

  /** Forget any partial message (after a reconnect). */
  reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.failed = undefined;
  }

  private take(chunk: Buffer, start: number, end: number): Buffer {
    if (this.parts.length === 0) return chunk.subarray(start, end);
    // One copy per message that spans chunks, never per byte.
    this.parts.push(chunk.subarray(0, end));
    const out = Buffer.concat(this.parts, this.partsLength + end);
    this.parts = [];
    this.partsLength = 0;
    return out;
  }

  private fail(error: FrameError, messages: Buffer[]): FrameResult {
    this.failed = error;
    this.parts = [];
    this.partsLength = 0;
    return { ok: false, error, messages };
  }
}
