/**
 * OVSDB client errors as data, with stable codes. Transaction errors map the
 * RFC 7047 §4.1.3 / §5.2 <error> strings (plus ovsdb-server(7) §3.1
 * extensions) to codes and keep the operation index: an index equal to the
 * number of operations is the trailing commit error (§4.1.3: constraint
 * checks that can only be made at commit, e.g. referential integrity and
 * unique indexes).
 */

export type OvsdbErrorCode =
  | 'OVSDB_BAD_REMOTE'
  | 'OVSDB_TLS_CONFIG'
  | 'OVSDB_CONNECT_FAILED'
  | 'OVSDB_DISCONNECTED'
  | 'OVSDB_PROBE_TIMEOUT'
  | 'OVSDB_CLOSED'
  | 'OVSDB_BAD_MESSAGE'
  | 'OVSDB_VALUE_INVALID'
  | 'OVSDB_RPC_ERROR'
  | 'OVSDB_METHOD_NOT_SUPPORTED'
  | 'OVSDB_TXN_REFERENTIAL_INTEGRITY'
  | 'OVSDB_TXN_CONSTRAINT_VIOLATION'
  | 'OVSDB_TXN_TIMED_OUT'
  | 'OVSDB_TXN_ABORTED'
  | 'OVSDB_TXN_NOT_OWNER'
  | 'OVSDB_TXN_RESOURCES_EXHAUSTED'
  | 'OVSDB_TXN_IO_ERROR'
  | 'OVSDB_TXN_DUPLICATE_UUID_NAME'
  | 'OVSDB_TXN_DOMAIN_ERROR'
  | 'OVSDB_TXN_RANGE_ERROR'
  | 'OVSDB_TXN_FAILED';

export interface OvsdbError {
  code: OvsdbErrorCode;
  message: string;
  /** JSON-RPC method of the failed request. */
  method?: string;
  /** The server's <error> string ("unknown database", "constraint violation", …). */
  error?: string;
  /** The server's "details", when given. */
  details?: string;
  /** Transaction errors: index of the failing operation (= ops.length for the commit error). */
  index?: number;
  /** Transaction errors: true when the failure is the trailing commit error. */
  commit?: boolean;
  /** Transaction errors: the full result array (earlier operations' results). */
  results?: unknown[];
}

export type OvsdbResult<T> = { ok: true; value: T } | { ok: false; error: OvsdbError };

const TXN_CODES: Record<string, OvsdbErrorCode> = {
  'referential integrity violation': 'OVSDB_TXN_REFERENTIAL_INTEGRITY',
  'constraint violation': 'OVSDB_TXN_CONSTRAINT_VIOLATION',
  'timed out': 'OVSDB_TXN_TIMED_OUT',
  aborted: 'OVSDB_TXN_ABORTED',
  'not owner': 'OVSDB_TXN_NOT_OWNER',
  'resources exhausted': 'OVSDB_TXN_RESOURCES_EXHAUSTED',
  'I/O error': 'OVSDB_TXN_IO_ERROR',
  'duplicate uuid-name': 'OVSDB_TXN_DUPLICATE_UUID_NAME',
  'domain error': 'OVSDB_TXN_DOMAIN_ERROR',
  'range error': 'OVSDB_TXN_RANGE_ERROR',
};

function isErrorObject(x: unknown): x is { error: unknown; details?: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'error' in x;
}

/**
 * Inspect a transact result (§4.1.3): the first operation result carrying an
 * "error" fails the transaction; a result longer than the operations list
 * carries the commit error.
 */
export function checkTransactResult(opCount: number, result: unknown): OvsdbResult<unknown[]> {
  if (!Array.isArray(result)) {
    return { ok: false, error: { code: 'OVSDB_BAD_MESSAGE', message: 'transact result is not an array', method: 'transact' } };
  }
  for (let i = 0; i < result.length; i++) {
    const r: unknown = result[i];
    if (!isErrorObject(r) || r.error === null) continue;
    const err = String(r.error);
    const details = typeof r.details === 'string' ? r.details : undefined;
    const commit = i >= opCount;
    return {
      ok: false,
      error: {
        code: TXN_CODES[err] ?? 'OVSDB_TXN_FAILED',
        message: `${commit ? 'commit' : `operation ${i}`} failed: ${err}${details ? `: ${details}` : ''}`,
        method: 'transact', error: err, details, index: i, commit, results: result,
      },
    };
  }
  return { ok: true, value: result };
}

/** Map a JSON-RPC "error" member (§4.1.x) to an OvsdbError. */
export function rpcError(method: string, error: unknown): OvsdbError {
  if (error === 'unknown method') {
    return { code: 'OVSDB_METHOD_NOT_SUPPORTED', message: `server does not support ${method}`, method, error: 'unknown method' };
  }
  if (typeof error === 'object' && error !== null) {
    const o = error as Record<string, unknown>;
    const e = typeof o.error === 'string' ? o.error : JSON.stringify(error);
    const details = typeof o.details === 'string' ? o.details : undefined;
    return { code: 'OVSDB_RPC_ERROR', message: `${method}: ${e}${details ? `: ${details}` : ''}`, method, error: e, details };
  }
  return { code: 'OVSDB_RPC_ERROR', message: `${method}: ${String(error)}`, method, error: String(error) };
}
