/**
 * IPv4 addresses and BGP identifiers as text (RFC 4271 §4.2, RFC 6286: the identifier
 * is a 4-octet unsigned number, shown dotted-quad). The one IPv4 text codec of the
 * product: the EVPN codec and the config read and write addresses with it.
 */

/** Dotted quad of 4 octets at `off`. */
export function formatIpv4At(b: Buffer, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

// An octet without leading zeros: "010" reads as octal to inet_aton(3), so it is refused rather than guessed.
const OCTET = '(0|[1-9][0-9]{0,2})';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** uint32 of a strict dotted quad ("192.0.2.1"), or undefined. */
export function parseIpv4(text: string): number | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v;
}

/** Dotted quad of a uint32: an IPv4 address or a BGP identifier. */
export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** A dotted-quad BGP identifier as uint32, or undefined when it is not one. */
export function parseRouterId(s: string): number | undefined {
  return parseIpv4(s);
}
