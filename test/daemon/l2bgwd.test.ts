/**
 * The real l2bgwd binary (bin/l2bgwd.js → dist/src/daemon/main.js, built by
 * test/support/build-dist.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { L2BGWD_BIN, l2bgwd } from '../support/l2bgwd.js';
import type { L2bgwd } from '../support/l2bgwd.js';
import { runScript } from '../support/process.js';
import type { ScriptResult } from '../support/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
const daemons: L2bgwd[] = [];

/** A daemon harness disposed of after the suite. */
function daemon(...args: Parameters<typeof l2bgwd>): L2bgwd {
  const d = l2bgwd(...args);
  daemons.push(d);
  return d;
}

/** Config for the daemon harness, which appends data_dir. */
function yaml(extra = ''): string {
  return `router_id: 192.0.2.1\nlocal_as: 65001\nbgp:\n  peers:\n    - { address: 127.0.0.2, remote_as: 65002 }\n${extra}`;
}

/** A config file of its own for the one-shot command line, with its data_dir. */
function yamlWithDataDir(dataDir: string, extra = ''): string {
  return `${yaml(extra)}data_dir: ${dataDir}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgwd-'));
});

afterAll(async () => {
  for (const d of daemons) {
    d.signal('SIGKILL');
    await d.dispose();
  }
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]): Promise<ScriptResult> => runScript(L2BGWD_BIN, ...args);

describe('command line', () => {
  test('--version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  test('--check on a good config exits 0 and starts nothing', async () => {
    const file = join(dir, 'check-good.yaml');
    const dataDir = join(dir, 'check-good-var');
    await writeFile(file, yamlWithDataDir(dataDir));
    expect(await cli('--config', file, '--check')).toEqual({ code: 0, stdout: `${file}: ok\n`, stderr: '' });
    expect(existsSync(dataDir)).toBe(false);
  });

  test('--check on a bad config exits 1 with every error on stderr, one per line', async () => {
    const file = join(dir, 'check-bad.yaml');
    await writeFile(file, yamlWithDataDir(join(dir, 'v'), 'evpn:\n  vnis: [{ vni: 0 }]\nbgp_typo: 1\n').replace('remote_as: 65002', 'remote_as: abc'));
    expect(await cli('--config', file, '--check')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bgp_typo: unknown key\nbgp.peers[0].remote_as: must be an integer 1..4294967295, got "abc"\nevpn.vnis[0].vni: must be an integer 1..16777215, got 0\n',
    });
  });

  test('a bad config without --check: the same errors, exit 1, nothing started', async () => {
    const file = join(dir, 'bad.yaml');
    const dataDir = join(dir, 'bad-var');
    await writeFile(file, yamlWithDataDir(dataDir, 'log_level: loud\n'));
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
    const d = daemon(yaml(), { dataDir: 'run-var/deep' });
    await d.start();
    const started = d.lines.find((l) => l.msg === 'l2bgwd started');
    expect(started).toMatchObject({ level: 'info', component: 'daemon', router_id: '192.0.2.1', local_as: 65001, pid: d.pid });
    const pidfile = join(d.dataDir, 'l2bgwd.pid');
    expect(await readFile(pidfile, 'utf8')).toBe(`${d.pid}\n`);

    // A second daemon on the same data_dir is refused.
    const other = daemon(yaml(), { dataDir: d.dataDir });
    await expect(other.start()).rejects.toThrow('l2bgwd exited');
    expect(await other.exited()).toBe(1);
    const refused = other.lines.find((l) => l.msg === 'l2bgwd failed to start');
    expect(refused?.reason).toBe(`another l2bgwd (pid ${d.pid}) holds ${pidfile}`);
    expect(await readFile(pidfile, 'utf8')).toBe(`${d.pid}\n`);

    d.writeConfig(yaml('log_level: loud\n').replace('remote_as: 65002', 'remote_as: abc'));
    d.signal('SIGHUP');
    await d.waitForLine((l) => l.msg === 'config reload rejected; keeping the running config', 'reload rejection');
    expect(d.lines.filter((l) => l.msg === 'config error').map((l) => l.error)).toEqual([
      'bgp.peers[0].remote_as: must be an integer 1..4294967295, got "abc"',
      'log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect(d.pid).toBeDefined();

    d.writeConfig(yaml('    - { address: 127.0.0.5, remote_as: 65005 }\nevpn:\n  vnis: [{ vni: 5000 }]\n'));
    d.signal('SIGHUP');
    const reloaded = await d.waitForLine((l) => l.msg === 'config reloaded', 'reload');
    expect(reloaded.changes).toEqual(['peer 127.0.0.5 added', 'evi 5000 added']);

    const signalled = performance.now();
    expect(await d.stop()).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5000);
    expect(d.lines.at(-1)).toMatchObject({ msg: 'l2bgwd stopped', reason: 'SIGTERM', clean: true });
    expect(existsSync(pidfile)).toBe(false);
    expect(d.stderr()).toBe('');
  });

  test('a switch that cannot be reached: the daemon and its REST API start, and the switch shows as not connected', async () => {
    const d = daemon(yaml(`vteps:\n  - { switch: ps0, ovsdb: "unix:${join(dir, 'no-such.sock')}" }\napi:\n  listen: { host: 127.0.0.1, port: 0 }\n`));
    await d.start();
    const res = await d.rest<{ vteps: Array<Record<string, unknown>> }>('GET', '/v2.0/vteps');
    expect(res.status).toBe(200);
    expect(res.body.vteps).toMatchObject([{ switch: 'ps0', connected: false }]);
    expect(await d.stop()).toBe(0);
  }, 30_000);

  test('SIGINT stops it too', async () => {
    const d = daemon(yaml());
    await d.start();
    d.signal('SIGINT');
    expect(await d.exited()).toBe(0);
  });

  test('an uncaught exception is logged and ends the process with a non-zero code', async () => {
    // The throw comes from inside the daemon process, once it has started (SIGUSR2 pulls the trigger).
    const thrower = 'data:text/javascript,process.on("SIGUSR2", () => { throw new Error("boom") })';
    const d = daemon(yaml(), { nodeArgs: ['--import', thrower] });
    await d.start();
    d.signal('SIGUSR2');
    const fatal = await d.waitForLine((l) => l.msg === 'uncaught exception', 'fatal');
    expect(fatal).toMatchObject({ level: 'fatal', err: { message: 'boom' } });
    expect(await d.exited()).toBe(1);
    expect(existsSync(join(d.dataDir, 'l2bgwd.pid'))).toBe(false);
  });
});
