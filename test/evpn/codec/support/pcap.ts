/**
 * Packet captures for dissector tests: BGP messages (encoded by the product's
 * codec, src/bgp/wire) wrapped in Ethernet/IPv4/TCP frames that tshark reads
 * as one BGP stream.
 */

/**
 * A pcap file (libpcap format, Ethernet link type) holding each message in its
 * own Ethernet/IPv4/TCP frame from 192.0.2.1:179 to 192.0.2.2:40000, with
 * consecutive sequence numbers so a dissector reads one clean stream.
 */
export function buildPcap(messages: Buffer[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const frames: Buffer[] = [global];
  let seq = 1000;
  messages.forEach((payload, i) => {
    const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip.writeUInt16BE(i + 1, 4);
    ip[8] = 64;
    ip[9] = 6;
    ip.writeUInt32BE(0xc0000201, 12);
    ip.writeUInt32BE(0xc0000202, 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(179, 0);
    tcp.writeUInt16BE(40000, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp.writeUInt32BE(1, 8);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18; // PSH, ACK
    tcp.writeUInt16BE(65535, 14);
    seq += payload.length;
    const frame = Buffer.concat([eth, ip, tcp, payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    frames.push(rec, frame);
  });
  return Buffer.concat(frames);
}
