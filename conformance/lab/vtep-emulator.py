#!/usr/bin/python3
"""The OVS VTEP emulator (ovs-vtep), made to honour Physical_Locator.tunnel_key.

vtep.ovsschema: a locator's tunnel_key, when set, is the VNI to use toward that
locator (the remote site carries the network on another VNI); unset, the logical
switch's tunnel_key. Hardware VTEPs do so; the installed emulator always tunnels with
the logical switch's key, so frames to a site using another VNI are dropped there.

This loads the installed script as a module (its main does not run on import),
changes two things, and runs its main with the same arguments:

- the remote MAC listing its poll loop parses names a locator with a tunnel_key
  "encap/ip/key" instead of "encap/ip", so a tunnel is one (address, key) pair and a
  key that changes replaces the tunnel;
- a tunnel to such a locator sends with the locator's key (out_key) and still
  receives with the logical switch's own key (in_key): the remote site sends us our
  VNI, which is how we know the network.

Every other behaviour (MAC learning, flooding, bindings, BFD) is the installed one.
"""
import importlib.machinery
import importlib.util
import json
import sys

OVS_VTEP = '/usr/share/openvswitch/scripts/ovs-vtep'


def load_emulator(path):
    loader = importlib.machinery.SourceFileLoader('ovs_vtep', path)
    spec = importlib.util.spec_from_loader('ovs_vtep', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


vtep = load_emulator(OVS_VTEP)


def rows(table_json):
    """vtep-ctl --format=json output of one table → list of {column: value}."""
    table = json.loads(table_json)
    return [dict(zip(table['headings'], row)) for row in table['data']]


def uuids(value):
    """An OVSDB JSON reference or set of references → list of uuid strings."""
    if value[0] == 'uuid':
        return [value[1]]
    return [ref[1] for ref in value[1]]


def remote_macs_with_keys(ls_name):
    """The `vtep-ctl list-remote-macs LS` text, a locator with a tunnel_key as encap/ip/key."""
    out = vtep.call_prog('vtep-ctl', [
        '--format=json', 'list', 'Logical_Switch', '--', 'list', 'Physical_Locator', '--',
        'list', 'Physical_Locator_Set', '--', 'list', 'Ucast_Macs_Remote', '--',
        'list', 'Mcast_Macs_Remote'])
    try:
        switches, locators, sets, ucast, mcast = [rows(line) for line in out.splitlines()]
    except ValueError:
        return ''   # the database went away; the caller finds no remote MACs, as with vtep-ctl
    ls_uuids = {s['_uuid'][1] for s in switches if s['name'] == ls_name}

    names = {}
    for loc in locators:
        name = '%s/%s' % (loc['encapsulation_type'], loc['dst_ip'])
        if isinstance(loc['tunnel_key'], int):
            name += '/%d' % loc['tunnel_key']
        names[loc['_uuid'][1]] = name
    set_members = {s['_uuid'][1]: uuids(s['locators']) for s in sets}

    lines = ['ucast-mac-remote']
    for row in ucast:
        if row['logical_switch'][1] in ls_uuids:
            lines.append('  %s -> %s' % (row['MAC'], names[row['locator'][1]]))
    lines += ['', 'mcast-mac-remote']
    for row in mcast:
        if row['logical_switch'][1] in ls_uuids:
            for loc in set_members.get(row['locator_set'][1], []):
                lines.append('  %s -> %s' % (row['MAC'], names[loc]))
    return '\n'.join(lines)


stock_vtep_ctl = vtep.vtep_ctl


def vtep_ctl(args):
    words = args.split()
    if len(words) == 2 and words[0] == 'list-remote-macs':
        return remote_macs_with_keys(words[1])
    return stock_vtep_ctl(args)


stock_add_tunnel = vtep.Logical_Switch.add_tunnel
stock_del_tunnel = vtep.Logical_Switch.del_tunnel


def add_tunnel(self, tunnel, tunnel_key):
    encap, _, rest = tunnel.partition('/')
    ip, _, out_key = rest.partition('/')
    plain = '%s/%s' % (encap, ip)
    # OVS tells this switch's tunnels apart by remote address (they share in_key), so a
    # tunnel to this address under another key goes first.
    for other in [t for t in self.tunnels if t != tunnel and t.split('/')[:2] == [encap, ip]]:
        self.del_tunnel(other)
    stock_add_tunnel(self, plain, tunnel_key)
    entry = self.tunnels.pop(plain, None)
    if entry is None:
        return   # not created (logged by the emulator)
    self.tunnels[tunnel] = entry
    if out_key:
        port = entry[1]
        vtep.vlog.info('tunnel %s sends with key %s, receives with %s' % (tunnel, out_key, tunnel_key))
        vtep.ovs_vsctl('remove Interface %s options key -- set Interface %s '
                       'options:in_key=%s options:out_key=%s' % (port, port, tunnel_key, out_key))


def del_tunnel(self, tunnel):
    if tunnel in self.tunnels:   # add_tunnel may have replaced it already
        stock_del_tunnel(self, tunnel)


vtep.vtep_ctl = vtep_ctl
vtep.Logical_Switch.add_tunnel = add_tunnel
vtep.Logical_Switch.del_tunnel = del_tunnel

if __name__ == '__main__':
    try:
        vtep.main()
    except SystemExit:
        raise
    except Exception:
        vtep.vlog.exception('traceback')
        sys.exit(vtep.ovs.daemon.RESTART_EXIT_CODE)
