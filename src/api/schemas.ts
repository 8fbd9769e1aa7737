/**
 * JSON Schemas of the REST requests (validated by fastify's Ajv with
 * additionalProperties: false and no type coercion) and of the answers (for
 * /openapi.json). Formats: MAC "aa:bb:cc:dd:ee:ff", IPv4 or IPv6 (RFC 4291
 * §2.2 text forms), VNI 1..16777215 (RFC 7348 §5: 24-bit VNI; 0 is left out
 * as no switch uses it for a tunnel key).
 */

export const MAC_PATTERN = '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** Names: letters, digits, . _ - (not starting with a punctuation mark). */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const VNI_MAX = 16777215;

export const mac = { type: 'string', pattern: MAC_PATTERN, description: 'MAC address aa:bb:cc:dd:ee:ff' } as const;
export const ip = { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], description: 'IPv4 or IPv6 address' } as const;
export const uuid = { type: 'string', pattern: UUID_PATTERN } as const;
export const name = { type: 'string', pattern: NAME_PATTERN } as const;
/** A name or a uuid (resources found either way). */
export const nameOrUuid = { type: 'string', minLength: 1, maxLength: 255 } as const;
export const vni = { type: 'integer', minimum: 1, maximum: VNI_MAX } as const;
export const decimal = { type: 'string', pattern: '^[0-9]{1,10}$' } as const;

function obj(properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties, required, ...extra };
}

export const idParams = obj({ id: nameOrUuid }, ['id']);

// ------------------------------------------------------------ remote gateways

export const gatewayCreateBody = obj({ 'remote-gateway': obj({ name, ipaddr: ip }, ['name', 'ipaddr']) }, ['remote-gateway']);
export const gatewayUpdateBody = obj({ 'remote-gateway': obj({ name, ipaddr: ip }, [], { minProperties: 1 }) }, ['remote-gateway']);
const gatewayObject = obj({ id: uuid, name, ipaddr: ip }, ['id', 'name', 'ipaddr']);
export const gatewayAnswer = obj({ 'remote-gateway': gatewayObject }, ['remote-gateway']);
export const gatewayListAnswer = obj({ 'remote-gateways': { type: 'array', items: gatewayObject } }, ['remote-gateways']);

// ------------------------------------------------------------ connections

export const connectionCreateBody = obj({
  'remote-gateway-connection': obj({
    l2_gateway: nameOrUuid,
    network: nameOrUuid,
    remote_gateway: nameOrUuid,
    segmentation_id: vni,
    network_type: { type: 'string', enum: ['vxlan'] },
    flood: { type: 'boolean' },
  }, ['l2_gateway', 'network', 'remote_gateway']),
}, ['remote-gateway-connection']);
const connectionObject = obj({
  id: uuid, l2_gateway: { type: 'string' }, l2_gateway_id: uuid, network: { type: 'string' }, network_id: uuid,
  remote_gateway_id: uuid, segmentation_id: vni, network_type: { type: 'string', enum: ['vxlan'] }, flood: { type: 'boolean' },
}, ['id', 'l2_gateway_id', 'network_id', 'remote_gateway_id', 'segmentation_id', 'network_type', 'flood']);
export const connectionAnswer = obj({ 'remote-gateway-connection': connectionObject }, ['remote-gateway-connection']);
export const connectionListAnswer = obj({ 'remote-gateway-connections': { type: 'array', items: connectionObject } }, ['remote-gateway-connections']);

// ------------------------------------------------------------ remote MACs

const macEntry = obj({ mac, ip, rgw_connection: uuid }, ['mac', 'rgw_connection']);
/** One MAC or a bulk list (all or nothing), never both. */
export const macCreateBody = obj(
  { 'remote-mac': macEntry, 'remote-macs': { type: 'array', minItems: 1, maxItems: 10000, items: macEntry } },
  [], { minProperties: 1, maxProperties: 1 },
);
const macObject = obj({ uuid, mac, ipaddr: { type: ['string', 'null'] }, rgw_connection: uuid }, ['uuid', 'mac', 'ipaddr', 'rgw_connection']);
export const macAnswer = obj({ 'remote-mac': macObject }, ['remote-mac']);
export const macListAnswer = obj({ 'remote-macs': { type: 'array', items: macObject } }, ['remote-macs']);
export const macListQuery = obj({ remote_connection: uuid });

// ------------------------------------------------------------ state

export const routeQuery = obj({ vni: decimal, type: { type: 'string', enum: ['2', '3'] } });
export const errorAnswer = obj({
  error: obj({ status: { type: 'integer' }, message: { type: 'string' }, field: { type: ['string', 'null'] }, reason: { type: 'string' } }, ['status', 'message', 'field', 'reason']),
}, ['error']);
