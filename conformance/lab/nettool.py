#!/usr/bin/python3
"""Host-side network tools for the lab (the lab hosts have no ping, nc or ethtool).

  nettool.py ping DST [COUNT] [TIMEOUT]   ICMP echo; exit 0 when any reply came back
  nettool.py txoff IFNAME                 TX checksum offload off (userspace datapath
                                          forwards veth frames with unfilled TCP sums)
  nettool.py tcp-server PORT              count the bytes of one connection, answer the count
  nettool.py tcp-client HOST PORT [N]     send N bytes (default 200000), print the answer
  nettool.py garp IFNAME IP               one gratuitous ARP (announces a moved host)
"""
import array, fcntl, os, socket, struct, sys, time


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def ping(dst, count=3, timeout=1.0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.settimeout(timeout)
    ident, received = os.getpid() & 0xFFFF, 0
    for seq in range(1, count + 1):
        payload = b'l2bgw-lab' * 6
        head = struct.pack('!BBHHH', 8, 0, 0, ident, seq)
        packet = struct.pack('!BBHHH', 8, 0, checksum(head + payload), ident, seq) + payload
        start = time.time()
        sock.sendto(packet, (dst, 0))
        while time.time() - start < timeout:
            try:
                data, addr = sock.recvfrom(2048)
            except socket.timeout:
                break
            ihl = (data[0] & 0xF) * 4
            kind, _, _, rid, rseq = struct.unpack('!BBHHH', data[ihl:ihl + 8])
            if kind == 0 and rid == ident and rseq == seq:
                print('reply from %s seq=%d time=%.2f ms' % (addr[0], seq, (time.time() - start) * 1000))
                received += 1
                break
        else:
            print('timeout seq=%d' % seq)
        time.sleep(0.1)
    print('%d/%d received' % (received, count))
    return 0 if received else 1


def txoff(ifname):
    SIOCETHTOOL, ETHTOOL_STXCSUM = 0x8946, 0x17
    buf = array.array('B', struct.pack('II', ETHTOOL_STXCSUM, 0))
    ifreq = struct.pack('16sP', ifname.encode(), buf.buffer_info()[0])
    fcntl.ioctl(socket.socket(), SIOCETHTOOL, ifreq)
    return 0


def tcp_server(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('0.0.0.0', port))
    srv.listen(1)
    srv.settimeout(20)
    conn, _ = srv.accept()
    total = 0
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        total += len(chunk)
    conn.sendall(str(total).encode())
    conn.close()
    return 0


def tcp_client(host, port, size=200000):
    conn = socket.create_connection((host, port), timeout=10)
    conn.sendall(b'x' * size)
    conn.shutdown(socket.SHUT_WR)
    answer = conn.recv(100).decode()
    print('server got', answer)
    return 0 if answer == str(size) else 1


def garp(ifname, ip):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((ifname, 0))
    mac = sock.getsockname()[4]
    addr = socket.inet_aton(ip)
    arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac, addr, b'\0' * 6, addr)
    sock.send(b'\xff' * 6 + mac + b'\x08\x06' + arp)
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ''
    if cmd == 'ping':
        return ping(argv[2], int(argv[3]) if len(argv) > 3 else 3, float(argv[4]) if len(argv) > 4 else 1.0)
    if cmd == 'txoff':
        return txoff(argv[2])
    if cmd == 'tcp-server':
        return tcp_server(int(argv[2]))
    if cmd == 'tcp-client':
        return tcp_client(argv[2], int(argv[3]), int(argv[4]) if len(argv) > 4 else 200000)
    if cmd == 'garp':
        return garp(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
