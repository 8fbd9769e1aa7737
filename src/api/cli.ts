/**
 * `l2bgw`: the command line client of the REST API (DESIGN §4), with the
 * command names of the reference L2 gateway API and its table layout
 * (+---+ borders; `Field | Value` for one resource). Exit codes: 0 success,
 * 1 an API or connection error (the server's message on stderr), 2 a usage
 * error.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

type Row = Record<string, unknown>;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.map(cell).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A table with +---+ borders and one space of padding, as the reference document draws them. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const line = (cells: readonly string[]): string => `|${cells.map((c, i) => ` ${c.padEnd(widths[i])} `).join('|')}|\n`;
  return rule + line(headers) + rule + rows.map(line).join('') + (rows.length > 0 ? rule : '');
}

export function renderList(columns: readonly string[], items: readonly Row[]): string {
  return renderTable(columns, items.map((it) => columns.map((c) => cell(it[c]))));
}

/** One resource as `Field | Value`, fields sorted by name. */
export function renderShow(item: Row): string {
  return renderTable(['Field', 'Value'], Object.keys(item).sort().map((k) => [k, cell(item[k])]));
}

class ApiFailure extends Error {}

interface Globals {
  url: string;
  tokenFile: string;
  format: 'table' | 'json';
}

const COLUMNS = {
  'remote-gateways': ['id', 'name', 'ipaddr'],
  'remote-gateway-connections': ['id', 'l2_gateway_id', 'network_id', 'segmentation_id'],
  'remote-macs': ['uuid', 'mac', 'ipaddr', 'rgw_connection'],
  peers: ['address', 'remote_as', 'state', 'uptime', 'prefixes_received', 'prefixes_sent'],
  routes: ['type', 'vni', 'rd', 'mac', 'ip', 'next_hop', 'peer', 'best', 'installed'],
} as const;

function parseInteger(what: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError(`${what} must be an integer`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${what} must be in ${min}..${max}`);
    return n;
  };
}

function parseBool(v: string): boolean {
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw new InvalidArgumentError('must be True or False');
}

/** "MAC[;IP]" → a remote-mac entry. */
function macEntry(spec: string, connection: string): Row {
  const [mac, ip] = spec.trim().split(';', 2).map((s) => s.trim());
  return ip ? { mac, ip, rgw_connection: connection } : { mac, rgw_connection: connection };
}

export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command('l2bgw');
  let exitCode = 0;
  program
    .description('Manage remote gateways, connections and remote MACs of an l2bgw gateway')
    .option('--url <url>', 'REST API address', 'http://127.0.0.1:8080')
    .option('--token-file <file>', 'file holding the admin token', './var/admin.token')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);

  const globals = (): Globals => program.opts<Globals>();

  async function request(method: string, path: string, body?: unknown): Promise<Row | undefined> {
    const g = globals();
    let token: string;
    try {
      token = (await readFile(g.tokenFile, 'utf8')).trim();
    } catch (e) {
      throw new ApiFailure(`cannot read the token file ${g.tokenFile}: ${(e as Error).message}`);
    }
    let res: Response;
    try {
      res = await fetch(new URL(path, g.url), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new ApiFailure(`cannot reach ${g.url}: ${cause ?? (e as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { message?: string; field?: string | null } } | undefined)?.error;
      const msg = err?.message ?? `${res.status} ${res.statusText}`;
      throw new ApiFailure(err?.field ? `${msg} (field ${err.field})` : msg);
    }
    return json as Row | undefined;
  }

  const out = (text: string): void => io.stdout(text);
  const seg = (s: string): string => encodeURIComponent(s);

  function showOne(answer: Row | undefined, key: string, created?: string): void {
    if (globals().format === 'json') return out(`${JSON.stringify(answer, null, 2)}\n`);
    if (created) out(`Created a new ${created}:\n`);
    out(renderShow((answer?.[key] ?? {}) as Row));
  }

  function showList(answer: Row | undefined, key: keyof typeof COLUMNS): void {
    if (globals().format === 'json') return out(`${JSON.stringify(answer, null, 2)}\n`);
    out(renderList(COLUMNS[key], (answer?.[key] ?? []) as Row[]));
  }

  function deleted(what: string, id: string): void {
    if (globals().format === 'json') out(`${JSON.stringify({ deleted: id })}\n`);
    else out(`Deleted ${what}: ${id}\n`);
  }

  const action = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      io.stderr(`Error: ${e.message}\n`);
      exitCode = 1;
    }
  };

  // ------------------------------------------------------------ remote gateways
  program.command('l2-remote-gateway-create').description('Create a remote gateway')
    .argument('<name>').argument('<ip>')
    .action(action(async (name: string, ip: string) => {
      showOne(await request('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name, ipaddr: ip } }), 'remote-gateway', 'remote gateway');
    }));
  program.command('l2-remote-gateway-update').description('Update the name and/or IP address of a remote gateway')
    .argument('<name-or-id>').option('--name <name>', 'new name').option('--ip <ip>', 'new IP address')
    .action(action(async (id: string, o: { name?: string; ip?: string }) => {
      if (o.name === undefined && o.ip === undefined) program.error('l2-remote-gateway-update: give --name and/or --ip', { exitCode: 2, code: 'l2bgw.usage' });
      const patch: Row = {};
      if (o.name !== undefined) patch.name = o.name;
      if (o.ip !== undefined) patch.ipaddr = o.ip;
      showOne(await request('PUT', `/v2.0/l2-remote-gateways/${seg(id)}`, { 'remote-gateway': patch }), 'remote-gateway');
    }));
  program.command('l2-remote-gateway-delete').description('Delete a remote gateway by name or UUID')
    .argument('<name-or-id>')
    .action(action(async (id: string) => {
      await request('DELETE', `/v2.0/l2-remote-gateways/${seg(id)}`);
      deleted('remote gateway', id);
    }));
  program.command('l2-remote-gateway-list').description('List remote gateways')
    .action(action(async () => showList(await request('GET', '/v2.0/l2-remote-gateways'), 'remote-gateways')));
  program.command('l2-remote-gateway-show').description('Show a remote gateway by name or UUID')
    .argument('<name-or-id>')
    .action(action(async (id: string) => showOne(await request('GET', `/v2.0/l2-remote-gateways/${seg(id)}`), 'remote-gateway')));

  // ------------------------------------------------------------ connections
  program.command('l2-remote-gateway-connection-create').description('Connect a network of a local gateway to a remote gateway')
    .argument('<gateway>', 'local gateway (managed switch) name or UUID')
    .argument('<network>', 'network (logical switch) name or UUID')
    .argument('<remote-gateway>', 'remote gateway name or UUID')
    .option('--seg-id <n>', 'tunnel key (VNI); default the network\'s', parseInteger('--seg-id', 1, 16777215))
    .option('--flood <bool>', 'flood unknown and broadcast traffic to the remote gateway (True|False)', parseBool)
    .action(action(async (gateway: string, network: string, remote: string, o: { segId?: number; flood?: boolean }) => {
      const c: Row = { l2_gateway: gateway, network, remote_gateway: remote };
      if (o.segId !== undefined) c.segmentation_id = o.segId;
      if (o.flood !== undefined) c.flood = o.flood;
      showOne(await request('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': c }), 'remote-gateway-connection', 'remote gateway connection');
    }));
  program.command('l2-remote-gateway-connection-delete').description('Delete a remote gateway connection and its remote MACs')
    .argument('<id>')
    .action(action(async (id: string) => {
      await request('DELETE', `/v2.0/l2-remote-gateway-connections/${seg(id)}`);
      deleted('remote gateway connection', id);
    }));
  program.command('l2-remote-gateway-connection-list').description('List remote gateway connections')
    .action(action(async () => showList(await request('GET', '/v2.0/l2-remote-gateway-connections'), 'remote-gateway-connections')));
  program.command('l2-remote-gateway-connection-show').description('Show a remote gateway connection')
    .argument('<id>')
    .action(action(async (id: string) => showOne(await request('GET', `/v2.0/l2-remote-gateway-connections/${seg(id)}`), 'remote-gateway-connection')));

  // ------------------------------------------------------------ remote MACs
  program.command('l2-remote-mac-create').description('Create a remote MAC: MAC[;IP] on a connection')
    .argument('<mac-ip>', 'MAC[;IP]').argument('<connection>', 'remote gateway connection UUID')
    .action(action(async (spec: string, conn: string) => {
      showOne(await request('POST', '/v2.0/l2-remote-macs', { 'remote-mac': macEntry(spec, conn) }), 'remote-mac', 'remote MAC');
    }));
  program.command('l2-remote-mac-bulk-create').description('Create the remote MACs of a file (one MAC[;IP] a line), all or nothing')
    .argument('<connection>', 'remote gateway connection UUID').argument('<file>')
    .action(action(async (conn: string, file: string) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new ApiFailure(`cannot read ${file}: ${(e as Error).message}`);
      }
      const entries = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => macEntry(l, conn));
      if (entries.length === 0) throw new ApiFailure(`${file} holds no MAC`);
      showList(await request('POST', '/v2.0/l2-remote-macs', { 'remote-macs': entries }), 'remote-macs');
    }));
  program.command('l2-remote-mac-delete').description('Delete a remote MAC')
    .argument('<uuid>')
    .action(action(async (id: string) => {
      await request('DELETE', `/v2.0/l2-remote-macs/${seg(id)}`);
      deleted('remote MAC', id);
    }));
  program.command('l2-remote-mac-list').description('List remote MACs')
    .option('--remote-connection <uuid>', 'only the MACs of this connection')
    .action(action(async (o: { remoteConnection?: string }) => {
      const q = o.remoteConnection === undefined ? '' : `?remote_connection=${seg(o.remoteConnection)}`;
      showList(await request('GET', `/v2.0/l2-remote-macs${q}`), 'remote-macs');
    }));
  program.command('l2-remote-mac-show').description('Show a remote MAC')
    .argument('<uuid>')
    .action(action(async (id: string) => showOne(await request('GET', `/v2.0/l2-remote-macs/${seg(id)}`), 'remote-mac')));

  // ------------------------------------------------------------ state
  program.command('bgp-peer-list').description('List BGP sessions')
    .action(action(async () => showList(await request('GET', '/v2.0/bgp/peers'), 'peers')));
  program.command('evpn-route-list').description('List EVPN routes')
    .option('--vni <n>', 'only this VNI', parseInteger('--vni', 1, 16777215))
    .option('--type <n>', 'only this route type (2 or 3)', parseInteger('--type', 2, 3))
    .action(action(async (o: { vni?: number; type?: number }) => {
      const q = new URLSearchParams();
      if (o.vni !== undefined) q.set('vni', String(o.vni));
      if (o.type !== undefined) q.set('type', String(o.type));
      const qs = q.size > 0 ? `?${q.toString()}` : '';
      showList(await request('GET', `/v2.0/evpn/routes${qs}`), 'routes');
    }));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    throw e;
  }
  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return 2;
  }
  return exitCode;
}
