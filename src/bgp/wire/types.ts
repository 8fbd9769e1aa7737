/**
 * BGP message model shared by the codec, the FSM and the session driver.
 *
 * RFC 4271 §4 (messages), RFC 4760 (MP_REACH/MP_UNREACH), RFC 6793 (4-octet AS),
 * RFC 2918/7313 (ROUTE-REFRESH), RFC 4724 (graceful restart), RFC 7606 (error actions).
 *
 * Conventions: router identifiers (BGP Identifier, ORIGINATOR_ID, CLUSTER_LIST) are
 * uint32 numbers, compared numerically (RFC 6286); IPv4 addresses carried for display
 * (NEXT_HOP, AGGREGATOR) are dotted strings; NLRI inside MP_REACH/MP_UNREACH and the
 * EXTENDED_COMMUNITIES value stay raw Buffer views (zero copy), decoded by the family
 * codec that owns them (src/evpn for l2vpn/evpn).
 */

export const AFI = { IPV4: 1, IPV6: 2, L2VPN: 25 } as const;
export const SAFI = { UNICAST: 1, EVPN: 70 } as const;

export interface Family {
  afi: number;
  safi: number;
}

export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;

export const HEADER_LENGTH = 19;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 6793 §9: placeholder for a 4-octet AS in 2-octet fields. */
export const AS_TRANS = 23456;

// ---------------------------------------------------------------- capabilities

export type Capability =
  /** RFC 4760 §8, code 1 */
  | { kind: 'multiprotocol'; afi: number; safi: number }
  /** RFC 2918, code 2 */
  | { kind: 'route-refresh' }
  /** RFC 7313, code 70 */
  | { kind: 'enhanced-route-refresh' }
  /** RFC 6793, code 65 */
  | { kind: 'four-octet-as'; asn: number }
  /** RFC 4724 §3, code 64, with the RFC 8538 N bit */
  | {
      kind: 'graceful-restart';
      restarting: boolean; // R bit
      notification: boolean; // N bit (RFC 8538)
      restartTime: number; // seconds, 12 bits
      families: Array<{ afi: number; safi: number; forwardingPreserved: boolean }>;
    }
  /** Any other capability: kept as received, re-encoded verbatim. */
  | { kind: 'unknown'; code: number; value: Buffer };

// ---------------------------------------------------------------- messages

export interface OpenMessage {
  type: 'open';
  version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets). */
  myAs: number;
  holdTime: number;
  bgpId: number;
  capabilities: Capability[];
}

export interface Ipv4Prefix {
  /** uint32, host order, bits past `len` zero */
  addr: number;
  len: number;
}

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

export const AsPathSegmentType = { AS_SET: 1, AS_SEQUENCE: 2, AS_CONFED_SEQUENCE: 3, AS_CONFED_SET: 4 } as const;

export interface AsPathSegment {
  type: number;
  asns: number[];
}

export interface MpReach {
  afi: number;
  safi: number;
  /** Raw next hop field (4 or 16 or 32 octets for IP families). */
  nextHop: Buffer;
  /** Raw NLRI bytes, decoded by the family codec. */
  nlri: Buffer;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  nlri: Buffer;
}

/** RFC 6514 §5 */
export interface PmsiTunnel {
  flags: number;
  tunnelType: number;
  /** The 3-octet MPLS label field as a 24-bit number (for VXLAN the VNI, RFC 8365 §5.1.3). */
  label: number;
  tunnelId: Buffer;
}

export interface UnknownAttribute {
  flags: number;
  type: number;
  value: Buffer;
}

/**
 * Path attributes after decode. AS numbers are always 4-octet values here: a session
 * without the 4-octet AS capability has AS_PATH and AS4_PATH merged on decode
 * (RFC 6793 §4.2.3) and split on encode.
 */
export interface PathAttributes {
  origin?: number;
  asPath?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: { asn: number; address: string };
  communities?: number[];
  originatorId?: number;
  clusterList?: number[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** Raw value, a multiple of 8 octets (RFC 4360); helpers in src/evpn read it. */
  extCommunities?: Buffer;
  pmsiTunnel?: PmsiTunnel;
  /** Unrecognized optional transitive attributes, passed on with the Partial bit set. */
  unknown?: UnknownAttribute[];
}

export interface UpdateMessage {
  type: 'update';
  withdrawn: Ipv4Prefix[];
  attributes: PathAttributes;
  nlri: Ipv4Prefix[];
}

export interface NotificationMessage {
  type: 'notification';
  code: number;
  subcode: number;
  data: Buffer;
}

export interface KeepaliveMessage {
  type: 'keepalive';
}

/** RFC 2918 / RFC 7313 §3 (subtype 0 = request, 1 = BoRR, 2 = EoRR) */
export interface RouteRefreshMessage {
  type: 'route-refresh';
  afi: number;
  subtype: number;
  safi: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

// ---------------------------------------------------------------- errors as data

/** RFC 7606 §2 approaches, strongest first. */
export type ErrorAction = 'session-reset' | 'afisafi-disable' | 'treat-as-withdraw' | 'attribute-discard';

export interface WireError {
  /** Stable machine-readable code, e.g. 'BGP_ERR_ATTR_FLAGS'. */
  code: string;
  /** Human-readable, safe to log. */
  message: string;
  action: ErrorAction;
  /** The NOTIFICATION to send when action is session-reset. */
  notification: { code: number; subcode: number; data: Buffer };
  /** Attribute type code the error concerns, when there is one. */
  attrType?: number;
  /** The family to disable when action is afisafi-disable (RFC 7606 §5.3). */
  family?: Family;
}

export type DecodeResult<T> =
  | { ok: true; value: T; /** non-fatal errors: discards and treat-as-withdraw */ errors: WireError[] }
  | { ok: false; error: WireError };

/** What decoding depends on, from the negotiated capabilities only (no I/O). */
export interface CodecContext {
  /** Both sides sent the 4-octet AS capability (RFC 6793). */
  fourOctetAs: boolean;
}

/** NOTIFICATION codes (RFC 4271 §4.5, RFC 7313, RFC 6608). */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH: 7,
  /** RFC 9687 */
  SEND_HOLD_TIMER_EXPIRED: 8,
} as const;

/** Cease subcodes, RFC 4486 (and RFC 9384 for 10/11). */
export const CeaseSubcode = {
  MAX_PREFIXES: 1,
  ADMIN_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMIN_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIG_CHANGE: 6,
  COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
} as const;
