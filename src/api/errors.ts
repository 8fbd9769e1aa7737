/**
 * REST error bodies: `{"error": {"status", "message", "field", "reason"}}`.
 * `field` is the request field at fault as a dotted path
 * ("remote-gateway.ipaddr", "remote-macs[1].mac") or null; `reason` a stable
 * short code. Bad input is always 4xx.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import type { StoreError } from './config-store.js';

export type ErrorReason =
  | 'required' | 'unknown-field' | 'type' | 'format' | 'range' | 'enum' | 'invalid'
  | 'invalid-json' | 'too-large' | 'media-type' | 'unauthorized' | 'rate-limited'
  | 'not-found' | 'conflict' | 'unavailable' | 'failed';

export interface ErrorBody {
  error: { status: number; message: string; field: string | null; reason: ErrorReason };
}

export function errorBody(status: number, message: string, reason: ErrorReason, field: string | null = null): ErrorBody {
  return { error: { status, message, field, reason } };
}

export function sendError(reply: FastifyReply, status: number, message: string, reason: ErrorReason, field: string | null = null): FastifyReply {
  return reply.code(status).type('application/json').send(errorBody(status, message, reason, field));
}

const STORE_STATUS: Record<StoreError['kind'], [number, ErrorReason]> = {
  not_found: [404, 'not-found'],
  conflict: [409, 'conflict'],
  unavailable: [503, 'unavailable'],
  failed: [500, 'failed'],
};

export function sendStoreError(reply: FastifyReply, e: StoreError): FastifyReply {
  const [status, reason] = STORE_STATUS[e.kind];
  return sendError(reply, status, e.message, reason, e.field ?? null);
}

/** "/remote-macs/1/mac" → "remote-macs[1].mac" */
function dotted(pointer: string, extra?: string): string | null {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? null : out;
}

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A fastify validation error (Ajv) as one 400 naming the field and the reason. */
export function validationError(e: FastifyError): ErrorBody {
  const issues = (e.validation ?? []) as unknown as AjvIssue[];
  const where = e.validationContext === 'body' ? '' : `${e.validationContext ?? 'request'} `;
  // anyOf/oneOf report their branches first; the summary names the field.
  const v = issues.find((i) => i.keyword === 'anyOf' || i.keyword === 'oneOf') ?? issues[0];
  if (!v) return errorBody(400, e.message, 'invalid');
  switch (v.keyword) {
    case 'required': {
      const f = dotted(v.instancePath, String(v.params.missingProperty));
      return errorBody(400, `${where}${f} is required`, 'required', f);
    }
    case 'additionalProperties': {
      const f = dotted(v.instancePath, String(v.params.additionalProperty));
      return errorBody(400, `${where}${f} is not a known field`, 'unknown-field', f);
    }
    case 'type': {
      const f = dotted(v.instancePath);
      return errorBody(400, `${where}${f ?? 'body'} must be ${String(v.params.type)}`, 'type', f);
    }
    case 'minimum': case 'maximum': case 'minItems': case 'maxItems': case 'minLength': case 'maxLength':
    case 'minProperties': case 'maxProperties': {
      const f = dotted(v.instancePath);
      return errorBody(400, `${where}${f ?? 'body'} ${v.message ?? 'is out of range'}`, 'range', f);
    }
    case 'enum': case 'const': {
      const f = dotted(v.instancePath);
      const allowed = (v.params.allowedValues as unknown[] | undefined) ?? [v.params.allowedValue];
      return errorBody(400, `${where}${f} must be one of ${allowed.map((x) => JSON.stringify(x)).join(', ')}`, 'enum', f);
    }
    default: {
      const f = dotted(v.instancePath);
      const what = typeof v.params.format === 'string' ? v.params.format : 'the expected format';
      const reason: ErrorReason = v.keyword === 'pattern' || v.keyword === 'format' || v.keyword === 'anyOf' ? 'format' : 'invalid';
      return errorBody(400, `${where}${f ?? 'body'} is not ${reason === 'format' && v.keyword !== 'format' ? 'in the expected format' : `valid (${what})`}`, reason, f);
    }
  }
}
