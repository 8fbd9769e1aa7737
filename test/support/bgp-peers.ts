/**
 * Real BGP daemons for tests: FRR bgpd (standalone, `-Z`, no zebra) and gobgpd, each in
 * its own temp dir, on loopback, on ports picked at run time. Config text in; pid, ports
 * and a way to query out. Stopped by PID only; the temp dir is removed on dispose.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { alive, freePort, waitFor } from './process.js';

const run = promisify(execFile);

export const FRR_BGPD = '/usr/lib/frr/bgpd';

async function stopPid(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, signal);
  try {
    await waitFor(() => !alive(pid), `pid ${pid} exit`, 5000, 20);
  } catch {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), `pid ${pid} kill`, 5000, 20);
  }
}

export interface DaemonHandle {
  readonly dir: string;
  /** PID of the running daemon, undefined when stopped. */
  readonly pid: number | undefined;
  /** BGP port it listens on. */
  readonly port: number;
  /** Stop by PID (SIGTERM, or SIGKILL for fault tests). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start again with the same config and ports. */
  restart(): Promise<void>;
  /** Stop and remove the temp dir. */
  dispose(): Promise<void>;
  /** Everything the daemon wrote to stdout/stderr (for failure messages). */
  output(): string;
}

function collect(child: ChildProcess, sink: { text: string }): void {
  const add = (b: Buffer): void => {
    sink.text += b.toString('utf8');
    if (sink.text.length > 200_000) sink.text = sink.text.slice(-100_000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
}

interface Supervised {
  /** name in errors: "bgpd", "gobgpd" */
  name: string;
  dir: string;
  port: number;
  command: string;
  args: readonly string[];
  cwd?: string;
  /** runs before every start (e.g. removing a stale pid file) */
  beforeStart?: () => Promise<void>;
  /** resolves once the daemon answers (its CLI or API), rejects until then */
  probe: () => Promise<unknown>;
}

/** Starts a daemon and keeps it restartable: output kept, pid tracked, ready when the probe answers. */
async function supervise(o: Supervised): Promise<DaemonHandle> {
  const sink = { text: '' };
  let pid: number | undefined;

  async function start(): Promise<void> {
    await o.beforeStart?.();
    const child = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: o.cwd });
    collect(child, sink);
    if (child.pid === undefined) throw new Error(`${o.name} did not start`);
    pid = child.pid;
    child.once('exit', () => { if (pid === child.pid) pid = undefined; });
    await waitFor(async () => {
      if (pid === undefined) throw new Error(`${o.name} exited:\n${sink.text}`);
      return o.probe().then(() => true, () => false);
    }, `${o.name} answering`);
  }

  const stop = async (signal?: NodeJS.Signals): Promise<void> => { const p = pid; pid = undefined; await stopPid(p, signal); };
  await start();
  return {
    dir: o.dir,
    get pid() { return pid; },
    port: o.port,
    stop,
    restart: async () => { await stop(); await start(); },
    dispose: async () => { await stop(); await rm(o.dir, { recursive: true, force: true }); },
    output: () => sink.text,
  };
}

// ------------------------------------------------------------------------- FRR

export interface FrrOptions {
  /** bgpd.conf text; use `{{PORT}}`-free text: the listen port is given on the command line. */
  config: string;
  /** Address bgpd listens on (`-l`), default 127.0.0.1. */
  listenAddress?: string;
  /** BGP port, default a free one. */
  port?: number;
}

export interface FrrBgpd extends DaemonHandle {
  /** Runs vtysh commands (each a `-c`) against this bgpd; returns stdout. */
  vtysh(...commands: string[]): Promise<string>;
  /** `vtysh -c CMD` parsed as JSON. */
  json<T = unknown>(command: string): Promise<T>;
  /** Enters `configure terminal`, runs the lines, leaves. */
  configure(...lines: string[]): Promise<string>;
}

export async function startFrr(opts: FrrOptions): Promise<FrrBgpd> {
  const dir = await mkdtemp(join(tmpdir(), 'l2bgw-frr-'));
  // bgpd drops to the frr user, which must read its folder (mkdtemp gives 0700) and
  // write its pid file and vty socket there.
  await chmod(dir, 0o755);
  const uid = Number((await run('id', ['-u', 'frr'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'frr'])).stdout.trim());
  await chown(dir, uid, gid);
  const conf = join(dir, 'bgpd.conf');
  await writeFile(conf, opts.config, { mode: 0o644 });
  const listen = opts.listenAddress ?? '127.0.0.1';
  const port = opts.port ?? await freePort(listen);
  const pidFile = join(dir, 'bgpd.pid');
  const vtysh = async (...commands: string[]): Promise<string> =>
    (await run('vtysh', ['--vty_socket', dir, ...commands.flatMap((c) => ['-c', c])], { timeout: 10_000 })).stdout;
  const handle = await supervise({
    name: 'bgpd', dir, port,
    command: FRR_BGPD,
    args: ['-Z', '-p', String(port), '-l', listen, '-f', conf, '--vty_socket', dir, '-i', pidFile],
    beforeStart: () => rm(pidFile, { force: true }),
    probe: () => run('vtysh', ['--vty_socket', dir, '-c', 'show bgp summary json'], { timeout: 5000 }),
  });
  return Object.assign(handle, {
    vtysh,
    json: async <T>(command: string) => JSON.parse(await vtysh(command)) as T,
    configure: (...lines: string[]) => vtysh('configure terminal', ...lines, 'end'),
  });
}

// ----------------------------------------------------------------------- GoBGP

export interface GobgpOptions {
  /**
   * gobgpd.toml text; `{{PORT}}` is replaced by the BGP port chosen for it
   * (`global.config.port`).
   */
  config: string;
  /** BGP port, default a free one on 127.0.0.1. */
  port?: number;
}

export interface Gobgpd extends DaemonHandle {
  /** gRPC API port (`--api-hosts 127.0.0.1:PORT`). */
  readonly apiPort: number;
  /** Runs the `gobgp` CLI against this daemon; returns stdout. */
  gobgp(...args: string[]): Promise<string>;
  /** `gobgp ... -j` parsed as JSON. */
  json<T = unknown>(...args: string[]): Promise<T>;
  /** `gobgp global rib -a evpn add|del ROUTE...`, the route as the CLI's words in one string. */
  evpn(op: 'add' | 'del', route: string): Promise<void>;
  /** `gobgp neighbor ADDRESS -j`: what gobgpd shows of that neighbor. */
  neighbor(address: string): Promise<GobgpNeighbor>;
  /** The state of gobgpd's session with `address`. */
  sessionState(address: string): Promise<GobgpSessionState>;
  /** The NOTIFICATIONs gobgpd logged as received, oldest first. */
  notifications(): GobgpNotification[];
}

/** The parts of `gobgp neighbor ADDRESS -j` (GoBGP's apipb.Peer) the suites read. */
export interface GobgpNeighbor {
  state: {
    /** an apipb.PeerState.SessionState number; sessionState() names it */
    session_state?: number;
    messages?: { received?: { open?: number; notification?: number } };
    /** the capabilities received, each a protobuf Any with its message in base64 */
    remote_cap?: Array<{ type_url: string; value?: string }>;
  };
  timers?: { state?: { uptime?: { seconds?: number } } };
  afi_safis?: Array<{ config: { family: { afi: number; safi: number } }; mp_graceful_restart: { state: { end_of_rib_received?: boolean } } }>;
}

/** apipb.PeerState.SessionState, by its number (0 is left out of the JSON). */
const SESSION_STATES = ['unknown', 'idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const;
export type GobgpSessionState = (typeof SESSION_STATES)[number];

/** The session state `gobgp neighbor` shows, by name. */
export function sessionStateOf(n: GobgpNeighbor): GobgpSessionState {
  return SESSION_STATES[n.state.session_state ?? 0];
}

/** A `"received notification"` line of gobgpd's JSON log; the reason is the RFC 9003 text, decoded. */
export interface GobgpNotification {
  Code: number;
  Subcode: number;
  'Communicated-Reason'?: string;
}

/** The received-NOTIFICATION lines of gobgpd's log (a line cut where old output was dropped is skipped). */
function loggedNotifications(output: string): GobgpNotification[] {
  const out: GobgpNotification[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"received notification"')) continue;
    try {
      out.push(JSON.parse(line) as GobgpNotification);
    } catch {
      // the start of the line was dropped with older output
    }
  }
  return out;
}

export async function startGobgp(opts: GobgpOptions): Promise<Gobgpd> {
  const dir = await mkdtemp(join(tmpdir(), 'l2bgw-gobgp-'));
  const port = opts.port ?? await freePort();
  const apiPort = await freePort();
  const conf = join(dir, 'gobgpd.toml');
  await writeFile(conf, opts.config.replaceAll('{{PORT}}', String(port)));
  const gobgp = async (...args: string[]): Promise<string> =>
    (await run('gobgp', ['-u', '127.0.0.1', '-p', String(apiPort), ...args], { timeout: 10_000 })).stdout;
  const handle = await supervise({
    name: 'gobgpd', dir, port,
    command: 'gobgpd',
    args: ['-f', conf, '-t', 'toml', '--api-hosts', `127.0.0.1:${apiPort}`, '--log-level', 'debug'],
    cwd: dir,
    probe: () => gobgp('global'),
  });
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await gobgp(...args, '-j')) as T;
  const neighbor = (address: string): Promise<GobgpNeighbor> => json<GobgpNeighbor>('neighbor', address);
  return Object.assign(handle, {
    apiPort,
    gobgp,
    json,
    evpn: async (op: 'add' | 'del', route: string) => void await gobgp('global', 'rib', '-a', 'evpn', op, ...route.split(' ')),
    neighbor,
    sessionState: async (address: string) => sessionStateOf(await neighbor(address)),
    notifications: () => loggedNotifications(handle.output()),
  });
}

/** Reads a file of a daemon's temp dir (e.g. a log), empty when missing. */
export async function readDaemonFile(d: DaemonHandle, name: string): Promise<string> {
  return readFile(join(d.dir, name), 'utf8').catch(() => '');
}
