import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/parse.js';
import type { Config } from '../../src/config/types.js';

const BASE = 'router_id: 192.0.2.1\nlocal_as: 65001\n';
const LISTEN = 'bgp:\n  listen: { host: 127.0.0.1, port: 1179 }\n';
/** Any readable file stands in for a PEM file: the parser checks that the daemon can read it. */
const PEM = new URL(import.meta.url).pathname;
const SSL = `ssl: { private_key: '${PEM}', certificate: '${PEM}', ca_cert: '${PEM}' }`;

function ok(text: string): Config {
  const r = parseConfig(text, 'test.yaml');
  if (!r.ok) throw new Error(`unexpected errors:\n${r.errors.join('\n')}`);
  return r.config;
}

function errors(text: string): string[] {
  const r = parseConfig(text, 'test.yaml');
  if (r.ok) throw new Error('accepted a bad config');
  return r.errors;
}

describe('defaults', () => {
  test('only router_id and local_as: BGP alone with every default', () => {
    expect(ok(BASE)).toEqual({
      router_id: '192.0.2.1',
      local_as: 65001,
      bgp: { hold_time: 90, connect_retry: 30, peers: [] },
      vteps: [],
      evpn: { auto_vni: true, vnis: [] },
      data_dir: './var',
      log_level: 'info',
    });
  });

  test('peer defaults, hold time inherited from bgp.hold_time', () => {
    const c = ok(`${BASE}bgp:\n  hold_time: 30\n  peers:\n    - { address: 127.0.0.2, remote_as: 65002 }\n    - { address: 127.0.0.3, remote_as: 65003, hold_time: 0 }\n`);
    expect(c.bgp.peers).toEqual([
      { address: '127.0.0.2', remote_as: 65002, port: 179, passive: false, hold_time: 30, graceful_restart: true },
      { address: '127.0.0.3', remote_as: 65003, port: 179, passive: false, hold_time: 0, graceful_restart: true },
    ]);
  });

  test('listen and api defaults', () => {
    const c = ok(`${BASE}bgp:\n  listen: {}\ndata_dir: /tmp/l2\napi: {}\n`);
    expect(c.bgp.listen).toEqual({ host: '0.0.0.0', port: 179 });
    expect(c.api).toEqual({ listen: { host: '127.0.0.1', port: 8080 }, token_file: '/tmp/l2/admin.token' });
  });

  test('an EVI without rd or route targets leaves them automatic', () => {
    expect(ok(`${BASE}evpn:\n  vnis: [{ vni: 5000 }]\n`).evpn.vnis).toEqual([{ vni: 5000 }]);
  });
});

describe('valid configs', () => {
  const cases: Array<{ name: string; yaml: string; expect: object }> = [
    { name: 'the DESIGN.md example', yaml: readFileSync(new URL('./design-example.yaml', import.meta.url), 'utf8'), expect: { local_as: 65010, bgp: { listen: { host: '127.0.0.1', port: 1179 } }, config_db: 'unix:/run/l2bgw/conf.sock' } },
    { name: 'peers: [] is valid', yaml: `${BASE}bgp:\n  peers: []\n`, expect: { bgp: { peers: [] } } },
    { name: 'largest AS and 4-octet peer AS', yaml: `router_id: 10.0.0.1\nlocal_as: 4294967295\nbgp:\n  peers: [{ address: 127.0.0.2, remote_as: 4200000000 }]\n`, expect: { local_as: 4294967295, bgp: { peers: [{ remote_as: 4200000000 }] } } },
    { name: 'hold time 0 and 3, 65535', yaml: `${BASE}bgp:\n  hold_time: 0\n  peers:\n    - { address: 127.0.0.2, remote_as: 1, hold_time: 3 }\n    - { address: 127.0.0.3, remote_as: 1, hold_time: 65535 }\n`, expect: { bgp: { hold_time: 0, peers: [{ hold_time: 3 }, { hold_time: 65535 }] } } },
    { name: 'listen port 0 (chosen by the system)', yaml: `${BASE}bgp:\n  listen: { host: '::1', port: 0 }\n`, expect: { bgp: { listen: { host: '::1', port: 0 } } } },
    { name: 'IPv6 peer address in canonical form', yaml: `${BASE}bgp:\n  peers: [{ address: '2001:DB8:0:0::1', remote_as: 2, local_address: '::1' }]\n`, expect: { bgp: { peers: [{ address: '2001:db8::1', local_address: '::1' }] } } },
    { name: 'passive peer with a listener', yaml: `${BASE}${LISTEN}  peers: [{ address: 127.0.0.2, remote_as: 2, passive: true }]\n`, expect: { bgp: { peers: [{ passive: true }] } } },
    { name: 'max_prefixes and graceful_restart off', yaml: `${BASE}bgp:\n  peers: [{ address: 127.0.0.2, remote_as: 2, max_prefixes: 10, graceful_restart: false }]\n`, expect: { bgp: { peers: [{ max_prefixes: 10, graceful_restart: false }] } } },
    { name: 'ovsdb targets: unix, tcp IPv4, tcp [IPv6], ssl DNS name', yaml: `${BASE}vteps:\n  - { switch: a, ovsdb: 'unix:/run/db.sock' }\n  - { switch: b, ovsdb: 'tcp:127.0.0.1:6640' }\n  - { switch: c, ovsdb: 'tcp:[::1]:6640' }\n  - { switch: d, ovsdb: 'ssl:vtep-1.example.net:6640', ${SSL} }\n`, expect: { vteps: [{ switch: 'a' }, { switch: 'b' }, { switch: 'c' }, { switch: 'd', ssl: { private_key: PEM, certificate: PEM, ca_cert: PEM } }] } },
    { name: 'two switches on one ovsdb-server', yaml: `${BASE}vteps:\n  - { switch: a, ovsdb: 'unix:/run/db.sock' }\n  - { switch: b, ovsdb: 'unix:/run/db.sock' }\n`, expect: { vteps: [{ switch: 'a' }, { switch: 'b' }] } },
    { name: 'RD types 0, 1, 2 in canonical text', yaml: `${BASE}evpn:\n  vnis:\n    - { vni: 1, rd: '065000:04294967295' }\n    - { vni: 16777215, rd: '192.0.2.1:65535' }\n    - { vni: 3, rd: '4200000000:65535' }\n`, expect: { evpn: { vnis: [{ rd: '65000:4294967295' }, { rd: '192.0.2.1:65535' }, { rd: '4200000000:65535' }] } } },
    { name: 'route targets, "*:N" on import', yaml: `${BASE}evpn:\n  auto_vni: false\n  vnis:\n    - { vni: 5000, import_rts: ['*:5000', '65000:5000', '192.0.2.1:7'], export_rts: ['4200000000:5000'] }\n`, expect: { evpn: { auto_vni: false, vnis: [{ import_rts: ['*:5000', '65000:5000', '192.0.2.1:7'], export_rts: ['4200000000:5000'] }] } } },
    { name: 'config_db over tcp, api, log level', yaml: `${BASE}config_db: 'tcp:127.0.0.1:6641'\napi:\n  listen: { host: 127.0.0.1, port: 0 }\n  token_file: ./t\nlog_level: silent\n`, expect: { config_db: 'tcp:127.0.0.1:6641', api: { listen: { port: 0 }, token_file: './t' }, log_level: 'silent' } },
    { name: 'empty vteps and evpn sections', yaml: `${BASE}vteps: []\nevpn: {}\n`, expect: { vteps: [], evpn: { auto_vni: true, vnis: [] } } },
  ];
  test.each(cases)('$name', ({ yaml, expect: want }) => {
    expect(ok(yaml)).toMatchObject(want);
  });

  test.each(['l2bgwd.yaml', 'lab-site-a.yaml'])('examples/%s is valid', (name) => {
    // The PEM files of a real deployment are not here: a readable stand-in takes their place.
    ok(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8').replace(/\/etc\/l2bgw\/pki\/[\w.-]+/g, PEM));
  });
});

describe('invalid configs name the key and the reason', () => {
  const peer = (fields: string): string => `${BASE}bgp:\n  peers:\n    - { address: 127.0.0.9, remote_as: 9 }\n    - { ${fields} }\n`;
  const vtep = (ovsdb: string): string => `${BASE}vteps:\n  - { switch: ps0, ovsdb: '${ovsdb}' }\n`;
  const evi = (fields: string): string => `${BASE}evpn:\n  vnis:\n    - { ${fields} }\n`;
  const cases: Array<[string, string, string[]]> = [
    // top level
    ['empty file', '', ['router_id: required', 'local_as: required']],
    ['not a mapping', '- 1\n', ['(top level): must be a mapping, got a list']],
    ['router_id 0.0.0.0', 'router_id: 0.0.0.0\nlocal_as: 1\n', ['router_id: must be a dotted IPv4 address other than 0.0.0.0, got "0.0.0.0"']],
    ['router_id IPv6', "router_id: '::1'\nlocal_as: 1\n", ['router_id: must be a dotted IPv4 address other than 0.0.0.0, got "::1"']],
    ['router_id a number', 'router_id: 1\nlocal_as: 1\n', ['router_id: must be a dotted IPv4 address other than 0.0.0.0, got 1']],
    ['local_as 0', 'router_id: 192.0.2.1\nlocal_as: 0\n', ['local_as: must be an integer 1..4294967295, got 0']],
    ['local_as too large', 'router_id: 192.0.2.1\nlocal_as: 4294967296\n', ['local_as: must be an integer 1..4294967295, got 4294967296']],
    ['local_as fractional', 'router_id: 192.0.2.1\nlocal_as: 1.5\n', ['local_as: must be an integer 1..4294967295, got 1.5']],
    ['local_as text', 'router_id: 192.0.2.1\nlocal_as: "65001"\n', ['local_as: must be an integer 1..4294967295, got "65001"']],
    ['unknown key with a suggestion', `${BASE}log_levle: info\n`, ['log_levle: unknown key (did you mean log_level?)']],
    ['unknown key', `${BASE}colour: blue\n`, ['colour: unknown key']],
    ['unknown key that is not a plain name', `${BASE}bgp:\n  hold time: 3\n`, ['bgp["hold time"]: unknown key (did you mean hold_time?)']],
    ['log_level', `${BASE}log_level: verbose\n`, ['log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"']],
    ['data_dir empty', `${BASE}data_dir: ''\n`, ['data_dir: must not be empty']],
    ['data_dir null', `${BASE}data_dir:\n`, ['data_dir: must be a string, got nothing']],
    // bgp
    ['bgp a list', `${BASE}bgp: []\n`, ['bgp: must be a mapping, got a list']],
    ['hold_time 2', `${BASE}bgp:\n  hold_time: 2\n`, ['bgp.hold_time: must be 0 or an integer 3..65535, got 2']],
    ['hold_time 65536', `${BASE}bgp:\n  hold_time: 65536\n`, ['bgp.hold_time: must be 0 or an integer 3..65535, got 65536']],
    ['connect_retry 0', `${BASE}bgp:\n  connect_retry: 0\n`, ['bgp.connect_retry: must be an integer 1..65535, got 0']],
    ['listen port', `${BASE}bgp:\n  listen: { host: 127.0.0.1, port: 70000 }\n`, ['bgp.listen.port: must be an integer 0..65535, got 70000']],
    ['listen host a name', `${BASE}bgp:\n  listen: { host: localhost }\n`, ['bgp.listen.host: must be an IPv4 or IPv6 address, got "localhost"']],
    ['listen unknown key', `${BASE}bgp:\n  listen: { addr: 127.0.0.1 }\n`, ['bgp.listen.addr: unknown key']],
    ['peers not a list', `${BASE}bgp:\n  peers: { address: 127.0.0.2 }\n`, ['bgp.peers: must be a list, got a mapping']],
    ['peer not a mapping', `${BASE}bgp:\n  peers: [127.0.0.2]\n`, ['bgp.peers[0]: must be a mapping, got "127.0.0.2"']],
    ['remote_as text', peer('address: 127.0.0.2, remote_as: abc'), ['bgp.peers[1].remote_as: must be an integer 1..4294967295, got "abc"']],
    ['peer address missing', peer('remote_as: 2'), ['bgp.peers[1].address: required']],
    ['peer address a prefix', peer('address: 127.0.0.0/8, remote_as: 2'), ['bgp.peers[1].address: must be an IPv4 or IPv6 address, got "127.0.0.0/8"']],
    ['peer address with a zone', peer("address: 'fe80::1%eth0', remote_as: 2"), ['bgp.peers[1].address: must be an IPv4 or IPv6 address, got "fe80::1%eth0"']],
    ['peer port 0', peer('address: 127.0.0.2, remote_as: 2, port: 0'), ['bgp.peers[1].port: must be an integer 1..65535, got 0']],
    ['local_address of the other family', peer("address: 127.0.0.2, remote_as: 2, local_address: '::1'"), ['bgp.peers[1].local_address: must be of the same address family as address (IPv4), got "::1"']],
    ['passive not a boolean', peer('address: 127.0.0.2, remote_as: 2, passive: yes'), ['bgp.peers[1].passive: must be true or false, got "yes"']],
    ['passive without a listener', peer('address: 127.0.0.2, remote_as: 2, passive: true'), ['bgp.peers[1].passive: true needs bgp.listen (nothing would accept this peer)']],
    ['peer hold_time 1', peer('address: 127.0.0.2, remote_as: 2, hold_time: 1'), ['bgp.peers[1].hold_time: must be 0 or an integer 3..65535, got 1']],
    ['max_prefixes 0', peer('address: 127.0.0.2, remote_as: 2, max_prefixes: 0'), ['bgp.peers[1].max_prefixes: must be an integer 1..4294967295, got 0']],
    ['graceful_restart 1', peer('address: 127.0.0.2, remote_as: 2, graceful_restart: 1'), ['bgp.peers[1].graceful_restart: must be true or false, got 1']],
    ['peer unknown key', peer('address: 127.0.0.2, remote_asn: 2'), ['bgp.peers[1].remote_asn: unknown key (did you mean remote_as?)', 'bgp.peers[1].remote_as: required']],
    ['duplicate peer', peer('address: 127.0.0.9, remote_as: 3'), ['bgp.peers[1].address: duplicate of bgp.peers[0].address (127.0.0.9)']],
    ['duplicate IPv6 peer spelled differently', `${BASE}bgp:\n  peers:\n    - { address: '2001:db8::1', remote_as: 1 }\n    - { address: '2001:DB8:0::1', remote_as: 1 }\n`, ['bgp.peers[1].address: duplicate of bgp.peers[0].address (2001:db8::1)']],
    // vteps
    ['vteps a mapping', `${BASE}vteps: { switch: ps0 }\n`, ['vteps: must be a list, got a mapping']],
    ['vtep switch missing', `${BASE}vteps:\n  - { ovsdb: 'unix:/x' }\n`, ['vteps[0].switch: required']],
    ['vtep switch empty', `${BASE}vteps:\n  - { switch: '', ovsdb: 'unix:/x' }\n`, ['vteps[0].switch: must not be empty']],
    ['ovsdb scheme', vtep('http://127.0.0.1:6640'), ['vteps[0].ovsdb: must be unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT, got "http://127.0.0.1:6640"']],
    ['ovsdb unix without a path', vtep('unix:'), ['vteps[0].ovsdb: unix: needs a socket path, got "unix:"']],
    ['ovsdb tcp without a port', vtep('tcp:127.0.0.1'), ['vteps[0].ovsdb: tcp: needs HOST:PORT, got "tcp:127.0.0.1"']],
    ['ovsdb port 0', vtep('tcp:127.0.0.1:0'), ['vteps[0].ovsdb: port must be an integer 1..65535, got "tcp:127.0.0.1:0"']],
    ['ovsdb port too large', vtep('ssl:127.0.0.1:65536'), ['vteps[0].ovsdb: port must be an integer 1..65535, got "ssl:127.0.0.1:65536"']],
    ['ssl target without files', vtep('ssl:127.0.0.1:6640'), ['vteps[0].ssl: required for an ssl: target: private_key, certificate and ca_cert (PEM files)']],
    ['ssl files for a unix target', `${BASE}vteps:\n  - { switch: ps0, ovsdb: 'unix:/x', ${SSL} }\n`, ['vteps[0].ssl: only for an ssl: target (ovsdb is unix:/x)']],
    ['ssl file unreadable', `${BASE}vteps:\n  - { switch: ps0, ovsdb: 'ssl:127.0.0.1:6640', ssl: { private_key: /nonexistent/k.pem, certificate: '${PEM}', ca_cert: '${PEM}' } }\n`, ['vteps[0].ssl.private_key: cannot read /nonexistent/k.pem: ENOENT']],
    ['lock not an OVSDB id', `${BASE}vteps:\n  - { switch: ps0, ovsdb: 'unix:/x', lock: l2bgw-ps0 }\n`, ['vteps[0].lock: must be an OVSDB <id> (letters, digits, _; not starting with a digit), got "l2bgw-ps0"']],
    ['ssl file missing', `${BASE}vteps:\n  - { switch: ps0, ovsdb: 'ssl:127.0.0.1:6640', ssl: { private_key: '${PEM}', certificate: '${PEM}' } }\n`, ['vteps[0].ssl.ca_cert: required']],
    ['ovsdb IPv6 without brackets', vtep('tcp:::1:6640'), ['vteps[0].ovsdb: an IPv6 host goes in brackets (tcp:[::1]:6640), got "tcp:::1:6640"']],
    ['ovsdb bad bracketed host', vtep('tcp:[zz]:6640'), ['vteps[0].ovsdb: host must be an IPv4 address, [IPv6] address or DNS name, got "tcp:[zz]:6640"']],
    ['ovsdb bad IPv4 host', vtep('tcp:300.1.1.1:6640'), ['vteps[0].ovsdb: host must be an IPv4 address, [IPv6] address or DNS name, got "tcp:300.1.1.1:6640"']],
    ['duplicate switch', `${BASE}vteps:\n  - { switch: ps0, ovsdb: 'unix:/a' }\n  - { switch: ps0, ovsdb: 'unix:/b' }\n`, ['vteps[1].switch: duplicate of vteps[0].switch (ps0)']],
    // evpn
    ['auto_vni text', `${BASE}evpn:\n  auto_vni: 'true'\n`, ['evpn.auto_vni: must be true or false, got "true"']],
    ['vni 0', evi('vni: 0'), ['evpn.vnis[0].vni: must be an integer 1..16777215, got 0']],
    ['vni too large', evi('vni: 16777216'), ['evpn.vnis[0].vni: must be an integer 1..16777215, got 16777216']],
    ['vni missing', evi("rd: '1:1'"), ['evpn.vnis[0].vni: required']],
    ['duplicate vni', `${BASE}evpn:\n  vnis: [{ vni: 7 }, { vni: 8 }, { vni: 7 }]\n`, ['evpn.vnis[2].vni: duplicate of evpn.vnis[0].vni (7)']],
    ['rd shape', evi('vni: 1, rd: foo'), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got "foo"']],
    ['rd a number', evi('vni: 1, rd: 65000'), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got 65000']],
    ['rd wildcard', evi("vni: 1, rd: '*:1'"), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got "*:1"']],
    ['rd type 0 number too large', evi("vni: 1, rd: '65000:4294967296'"), ['evpn.vnis[0].rd: assigned number must be 0..4294967295 after a 2-octet AS, got "65000:4294967296"']],
    ['rd type 1 number too large', evi("vni: 1, rd: '192.0.2.1:65536'"), ['evpn.vnis[0].rd: assigned number must be 0..65535 after an IPv4 address, got "192.0.2.1:65536"']],
    ['rd type 2 number too large', evi("vni: 1, rd: '4200000000:65536'"), ['evpn.vnis[0].rd: assigned number must be 0..65535 after a 4-octet AS, got "4200000000:65536"']],
    ['rd AS 0', evi("vni: 1, rd: '0:5'"), ['evpn.vnis[0].rd: AS must be 1..4294967295, got "0:5"']],
    ['rd AS too large', evi("vni: 1, rd: '4294967296:5'"), ['evpn.vnis[0].rd: AS must be 1..4294967295, got "4294967296:5"']],
    ['rd bad IPv4', evi("vni: 1, rd: '192.0.2.300:5'"), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got "192.0.2.300:5"']],
    ['rd AS 0 with a number too large', evi("vni: 1, rd: '0:4294967296'"), ['evpn.vnis[0].rd: AS must be 1..4294967295, got "0:4294967296"']],
    ['rd in the "ASL:N" notation', evi("vni: 1, rd: '100L:7'"), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got "100L:7"']],
    ['rt in the "ASL:N" notation', evi("vni: 1, export_rts: ['4200000000l:7']"), ['evpn.vnis[0].export_rts[0]: must be a route target ASN:N or IPv4:N, got "4200000000l:7"']],
    ['rd with spaces', evi("vni: 1, rd: ' 65000:1'"), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got " 65000:1"']],
    ['rd IPv4 with a leading zero', evi("vni: 1, rd: '192.0.2.01:5'"), ['evpn.vnis[0].rd: must be a route distinguisher ASN:N or IPv4:N, got "192.0.2.01:5"']],
    ['duplicate rd', `${BASE}evpn:\n  vnis:\n    - { vni: 1, rd: '65000:1' }\n    - { vni: 2, rd: '065000:1' }\n`, ['evpn.vnis[1].rd: duplicate of evpn.vnis[0].rd (65000:1)']],
    ['import rt shape', evi("vni: 1, import_rts: ['x:1']"), ['evpn.vnis[0].import_rts[0]: must be a route target ASN:N, IPv4:N or *:N, got "x:1"']],
    ['export rt wildcard', evi("vni: 1, export_rts: ['65000:1', '*:1']"), ['evpn.vnis[0].export_rts[1]: "*:N" is only allowed in import_rts, got "*:1"']],
    ['export rt number too large', evi("vni: 1, export_rts: ['192.0.2.1:70000']"), ['evpn.vnis[0].export_rts[0]: assigned number must be 0..65535 after an IPv4 address, got "192.0.2.1:70000"']],
    ['wildcard rt number too large', evi("vni: 1, import_rts: ['*:4294967296']"), ['evpn.vnis[0].import_rts[0]: assigned number must be 0..4294967295, got "*:4294967296"']],
    ['empty rt list', evi('vni: 1, import_rts: []'), ['evpn.vnis[0].import_rts: must not be empty (omit it for the automatic value)']],
    ['rt list a string', evi("vni: 1, export_rts: '65000:1'"), ['evpn.vnis[0].export_rts: must be a list, got "65000:1"']],
    ['duplicate rt', evi("vni: 1, import_rts: ['65000:1', '65000:01']"), ['evpn.vnis[0].import_rts[1]: duplicate of evpn.vnis[0].import_rts[0] (65000:1)']],
    ['evi unknown key', evi('vni: 1, route_targets: []'), ['evpn.vnis[0].route_targets: unknown key']],
    // config_db, api
    ['config_db', `${BASE}config_db: /run/conf.sock\n`, ['config_db: must be unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT, got "/run/conf.sock"']],
    ['api port', `${BASE}api:\n  listen: { port: http }\n`, ['api.listen.port: must be an integer 0..65535, got "http"']],
    ['api token_file', `${BASE}api:\n  token_file: 5\n`, ['api.token_file: must be a string, got 5']],
    ['api unknown key', `${BASE}api:\n  token: abc\n`, ['api.token: unknown key']],
    // YAML syntax, with line and column
    ['duplicate YAML key', `${BASE}local_as: 2\n`, ['test.yaml:3:1: Map keys must be unique']],
    ['unclosed flow sequence', `${BASE}bgp:\n  peers: [\n`, ['test.yaml:5:1: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['tab indentation', `${BASE}bgp:\n\thold_time: 9\n`, ['test.yaml:4:1: Tabs are not allowed as indentation']],
    ['two documents', `${BASE}---\nlocal_as: 2\n`, ['test.yaml:3:1: a config file holds a single YAML document']],
    ['unresolved alias', `${BASE}data_dir: *dir\n`, ['test.yaml: Unresolved alias (the anchor must be set before the alias): dir']],
    // every error at once, in document order
    ['all errors are collected', 'router_id: 0.0.0.0\nlocal_as: -1\nbgp:\n  hold_time: 1\n  peers:\n    - { address: x, remote_as: 1 }\nlog_level: loud\n', [
      'router_id: must be a dotted IPv4 address other than 0.0.0.0, got "0.0.0.0"',
      'local_as: must be an integer 1..4294967295, got -1',
      'bgp.hold_time: must be 0 or an integer 3..65535, got 1',
      'bgp.peers[0].address: must be an IPv4 or IPv6 address, got "x"',
      'log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]],
  ];
  test.each(cases)('%s', (_name, yaml, want) => {
    expect(errors(yaml)).toEqual(want);
  });
});
