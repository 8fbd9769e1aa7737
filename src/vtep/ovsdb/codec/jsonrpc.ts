/**
 * JSON-RPC 1.0 messages as OVSDB uses them (RFC 7047 §4): requests carry a
 * non-null id, notifications a null id, responses a result and an error
 * (one of them null). Decoding classifies a framed JSON text; it never throws.
 */

export type RpcId = number | string;

export type RpcMessage =
  | { kind: 'request'; id: unknown; method: string; params: unknown[] }
  | { kind: 'notification'; method: string; params: unknown[] }
  | { kind: 'response'; id: unknown; result: unknown; error: unknown };

export interface RpcDecodeError {
  code: 'OVSDB_BAD_MESSAGE';
  message: string;
}

export type RpcDecodeResult = { ok: true; value: RpcMessage } | { ok: false; error: RpcDecodeError };

function bad(message: string): RpcDecodeResult {
  return { ok: false, error: { code: 'OVSDB_BAD_MESSAGE', message } };
}

/** Parse one framed JSON text into a JSON-RPC message. */
export function decodeRpc(text: Buffer | string): RpcDecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (e) {
    return bad(`invalid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('JSON-RPC message is not an object');
  const o = json as Record<string, unknown>;
  if (typeof o.method === 'string') {
    const params = Array.isArray(o.params) ? (o.params as unknown[]) : [];
    if (o.id === null || o.id === undefined) return { ok: true, value: { kind: 'notification', method: o.method, params } };
    return { ok: true, value: { kind: 'request', id: o.id, method: o.method, params } };
  }
  if ('result' in o || 'error' in o) {
    return { ok: true, value: { kind: 'response', id: o.id, result: o.result ?? null, error: o.error ?? null } };
  }
  return bad('neither request nor response');
}

export function encodeRequest(id: RpcId, method: string, params: unknown[]): string {
  return JSON.stringify({ id, method, params });
}

/**
 * Transaction operations serialized ahead of sending, down to UTF-8 bytes,
 * so that a writer can encode its next transaction while the previous one
 * is in flight and sending it is a copy.
 */
export interface EncodedOps {
  readonly count: number;
  /** the operations as UTF-8 JSON, comma-separated, without the enclosing brackets */
  readonly bytes: Buffer;
}

export function encodeOps(ops: readonly object[]): EncodedOps {
  const json = JSON.stringify(ops);
  return { count: ops.length, bytes: Buffer.from(json.slice(1, -1)) };
}

/** Operations already written as JSON text, one per element. */
export function joinOps(ops: readonly string[]): EncodedOps {
  return { count: ops.length, bytes: Buffer.from(ops.join(',')) };
}

const CLOSE_TRANSACT = Buffer.from(']}');

/** A transact request (RFC 7047 §4.1.3) from encoded operations: what encodeRequest gives for the same ops, as bytes. */
export function encodeTransact(id: RpcId, db: string, ops: EncodedOps): Buffer {
  const head = Buffer.from(`{"id":${JSON.stringify(id)},"method":"transact","params":[${JSON.stringify(db)}${ops.count > 0 ? ',' : ''}`);
  return Buffer.concat([head, ops.bytes, CLOSE_TRANSACT]);
}

export function encodeResponse(id: unknown, result: unknown): string {
  return JSON.stringify({ id, result, error: null });
}
