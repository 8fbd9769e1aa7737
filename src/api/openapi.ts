/** OpenAPI 3.0 document generated from the registered routes' own schemas. */
import type { ApiRoute } from './route.js';

interface ParamSchema {
  properties?: Record<string, object>;
  required?: string[];
}

function parameters(where: 'path' | 'query', schema: object | undefined): object[] {
  const s = schema as ParamSchema | undefined;
  return Object.entries(s?.properties ?? {}).map(([name, sch]) => ({
    name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: sch,
  }));
}

export function buildOpenApi(routes: readonly ApiRoute[], info: { title: string; version: string }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, object> = {};
    for (const [code, schema] of Object.entries(r.schema.response ?? { 200: {} })) {
      const body = Object.keys(schema).length === 0 ? {} : { content: { 'application/json': { schema } } };
      responses[code] = { description: code.startsWith('2') ? 'success' : 'error', ...body };
    }
    if (r.auth !== false) responses['401'] = { description: 'missing or wrong bearer token' };
    const op: Record<string, unknown> = {
      summary: r.summary,
      parameters: [...parameters('path', r.schema.params), ...parameters('query', r.schema.querystring)],
      responses,
    };
    if (r.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    if (r.auth === false) op.security = [];
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.3',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
