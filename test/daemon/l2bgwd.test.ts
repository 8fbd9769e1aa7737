/**
 * The real l2bgwd binary (bin/l2bgwd.js → dist/src/daemon/main.js): the entry
 * point and its closure are compiled first, on their own, so that work in
 * progress elsewhere in the tree cannot break this suite.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const BIN = join(ROOT, 'bin', 'l2bgwd.js');

let dir: string;
const children: ChildProcess[] = [];

interface Daemon {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  waitFor: (pred: (l: Record<string, unknown>) => boolean, what: string, ms?: number) => Promise<Record<string, unknown>>;
  /** Sends a signal; `exited.ms` counts from the last one sent. */
  signal: (s: NodeJS.Signals) => void;
}

function start(args: string[], nodeArgs: string[] = []): Daemon {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
  let signalledAt = performance.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal, ms: performance.now() - signalledAt }));
  });
  const waitFor = async (pred: (l: Record<string, unknown>) => boolean, what: string, ms = 10_000): Promise<Record<string, unknown>> => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const hit = lines.find(pred);
      if (hit !== undefined) return hit;
      if (child.exitCode !== null) break;
      await sleep(20);
    }
    throw new Error(`no log line ${what}; stdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${err}`);
  };
  return {
    child, lines, exited, waitFor,
    stderr: () => err,
    signal: (s) => {
      signalledAt = performance.now();
      child.kill(s);
    },
  };
}

function yaml(dataDir: string, extra = ''): string {
  return `router_id: 192.0.2.1\nlocal_as: 65001\ndata_dir: ${dataDir}\nbgp:\n  peers:\n    - { address: 127.0.0.2, remote_as: 65002 }\n${extra}`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgwd-'));
  const tsconfig = join(dir, 'tsconfig.json');
  await writeFile(tsconfig, JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    compilerOptions: { rootDir: ROOT, outDir: join(ROOT, 'dist'), noEmit: false, typeRoots: [join(ROOT, 'node_modules', '@types')] },
    files: [join(ROOT, 'src', 'daemon', 'main.ts')],
    include: [],
  }));
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig]);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('command line', () => {
  test('--version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  test('--check on a good config exits 0 and starts nothing', async () => {
    const file = join(dir, 'check-good.yaml');
    const dataDir = join(dir, 'check-good-var');
    await writeFile(file, yaml(dataDir));
    expect(await cli('--config', file, '--check')).toEqual({ code: 0, stdout: `${file}: ok\n`, stderr: '' });
    expect(existsSync(dataDir)).toBe(false);
  });

  test('--check on a bad config exits 1 with every error on stderr, one per line', async () => {
    const file = join(dir, 'check-bad.yaml');
    await writeFile(file, yaml(join(dir, 'v'), 'evpn:\n  vnis: [{ vni: 0 }]\nbgp_typo: 1\n').replace('remote_as: 65002', 'remote_as: abc'));
    expect(await cli('--config', file, '--check')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bgp_typo: unknown key\nbgp.peers[0].remote_as: must be an integer 1..4294967295, got "abc"\nevpn.vnis[0].vni: must be an integer 1..16777215, got 0\n',
    });
  });

  test('a bad config without --check: the same errors, exit 1, nothing started', async () => {
    const file = join(dir, 'bad.yaml');
    const dataDir = join(dir, 'bad-var');
    await writeFile(file, yaml(dataDir, 'log_level: loud\n'));
    expect(await cli('--config', file)).toEqual({ code: 1, stdout: '', stderr: 'log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n' });
    expect(existsSync(dataDir)).toBe(false);
  });

  test('a YAML syntax error names file, line and column', async () => {
    const file = join(dir, 'syntax.yaml');
    await writeFile(file, 'router_id: 192.0.2.1\nlocal_as: 1\nlocal_as: 2\n');
    expect(await cli('--config', file, '--check')).toMatchObject({ code: 1, stderr: `${file}:3:1: Map keys must be unique\n` });
  });

  test('no --config: usage error, exit 1', async () => {
    expect(await cli()).toMatchObject({ code: 1, stderr: "error: required option '-c, --config <file>' not specified\n" });
  });
});

describe('the running daemon', () => {
  test('starts, writes its pidfile, survives a bad reload, applies a good one, stops on SIGTERM', async () => {
    const file = join(dir, 'run.yaml');
    const dataDir = join(dir, 'run-var', 'deep');
    await writeFile(file, yaml(dataDir));
    const d = start(['--config', file]);
    const started = await d.waitFor((l) => l.msg === 'l2bgwd started', '"l2bgwd started"');
    expect(started).toMatchObject({ level: 'info', component: 'daemon', router_id: '192.0.2.1', local_as: 65001, pid: d.child.pid });
    const pidfile = join(dataDir, 'l2bgwd.pid');
    expect(await readFile(pidfile, 'utf8')).toBe(`${d.child.pid}\n`);

    // A second daemon on the same data_dir is refused.
    const other = start(['--config', file]);
    const refused = await other.waitFor((l) => l.msg === 'l2bgwd failed to start', 'refusal');
    expect(refused.reason).toBe(`another l2bgwd (pid ${d.child.pid}) holds ${pidfile}`);
    expect((await other.exited).code).toBe(1);
    expect(await readFile(pidfile, 'utf8')).toBe(`${d.child.pid}\n`);

    await writeFile(file, yaml(dataDir, 'log_level: loud\n').replace('remote_as: 65002', 'remote_as: abc'));
    d.signal('SIGHUP');
    await d.waitFor((l) => l.msg === 'config reload rejected; keeping the running config', 'reload rejection');
    expect(d.lines.filter((l) => l.msg === 'config error').map((l) => l.error)).toEqual([
      'bgp.peers[0].remote_as: must be an integer 1..4294967295, got "abc"',
      'log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect(d.child.exitCode).toBeNull();

    await writeFile(file, yaml(dataDir, '    - { address: 127.0.0.5, remote_as: 65005 }\nevpn:\n  vnis: [{ vni: 5000 }]\n'));
    d.signal('SIGHUP');
    const reloaded = await d.waitFor((l) => l.msg === 'config reloaded', 'reload');
    expect(reloaded.changes).toEqual(['peer 127.0.0.5 added', 'evi 5000 added']);

    d.signal('SIGTERM');
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5000);
    expect(d.lines.at(-1)).toMatchObject({ msg: 'l2bgwd stopped', reason: 'SIGTERM', clean: true });
    expect(existsSync(pidfile)).toBe(false);
    expect(d.stderr()).toBe('');
  });

  test('a switch that cannot be reached: the daemon and its REST API start, and the switch shows as not connected', async () => {
    const file = join(dir, 'noswitch.yaml');
    const dataDir = join(dir, 'noswitch-var');
    await writeFile(file, yaml(dataDir, `vteps:\n  - { switch: ps0, ovsdb: "unix:${join(dir, 'no-such.sock')}" }\napi:\n  listen: { host: 127.0.0.1, port: 0 }\n`));
    const d = start(['--config', file]);
    try {
      const listening = await d.waitFor((l) => l.msg === 'REST API listening', 'REST API listening', 20_000);
      const token = (await readFile(join(dataDir, 'admin.token'), 'utf8')).trim();
      const res = await fetch(`${String(listening.address)}/v2.0/vteps`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { vteps: Array<Record<string, unknown>> };
      expect(body.vteps).toMatchObject([{ switch: 'ps0', connected: false }]);
      d.signal('SIGTERM');
      expect((await d.exited).code).toBe(0);
    } finally {
      // The managed config database outlives l2bgwd by design (the next start adopts it).
      const pid = Number(await readFile(join(dataDir, 'config-db.pid'), 'utf8').catch(() => '0'));
      try {
        if (pid > 0) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }, 30_000);

  test('SIGINT stops it too', async () => {
    const file = join(dir, 'int.yaml');
    await writeFile(file, yaml(join(dir, 'int-var')));
    const d = start(['--config', file]);
    await d.waitFor((l) => l.msg === 'l2bgwd started', 'start');
    d.signal('SIGINT');
    expect((await d.exited).code).toBe(0);
  });

  test('an uncaught exception is logged and ends the process with a non-zero code', async () => {
    const file = join(dir, 'boom.yaml');
    const dataDir = join(dir, 'boom-var');
    await writeFile(file, yaml(dataDir));
    // The throw comes from inside the daemon process, once it has started (SIGUSR2 pulls the trigger).
    const thrower = 'data:text/javascript,process.on("SIGUSR2", () => { throw new Error("boom") })';
    const d = start(['--config', file], ['--import', thrower]);
    await d.waitFor((l) => l.msg === 'l2bgwd started', 'start');
    d.child.kill('SIGUSR2');
    const fatal = await d.waitFor((l) => l.msg === 'uncaught exception', 'fatal');
    expect(fatal).toMatchObject({ level: 'fatal', err: { message: 'boom' } });
    const exit = await d.exited;
    expect(exit.code).toBe(1);
    expect(existsSync(join(dataDir, 'l2bgwd.pid'))).toBe(false);
  });
});
