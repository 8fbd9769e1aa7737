import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../../src/config/parse.js';
import type { Config } from '../../src/config/types.js';
import { Daemon, PIDFILE_NAME } from '../../src/daemon/daemon.js';
import { acquirePidfile, releasePidfile } from '../../src/daemon/pidfile.js';
import { createLogger } from '../../src/log.js';

type Line = Record<string, unknown> & { msg: string; level: string };

let dir: string;
let lines: Line[];
let running: Daemon[];

function yaml(extra = ''): string {
  return `router_id: 192.0.2.1\nlocal_as: 65001\ndata_dir: ${join(dir, 'var', 'nested')}\nbgp:\n  peers:\n    - { address: 127.0.0.2, remote_as: 65002 }\n${extra}`;
}

function config(text = yaml()): Config {
  const r = parseConfig(text, 'test.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

function daemon(stopDeadlineMs?: number): Daemon {
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) } });
  const d = new Daemon({ logger, stopDeadlineMs });
  running.push(d);
  return d;
}

const messages = (): string[] => lines.map((l) => l.msg);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgw-daemon-'));
  lines = [];
  running = [];
});

afterEach(async () => {
  // The keep-alive timer must not outlive a test.
  await Promise.all(running.map((d) => d.stop('test over')));
  await rm(dir, { recursive: true, force: true });
});

describe('start', () => {
  test('creates data_dir, writes the pidfile and logs router id and AS', async () => {
    const d = daemon();
    expect(await d.start(config())).toEqual({ ok: true });
    const pidPath = join(dir, 'var', 'nested', PIDFILE_NAME);
    expect(d.pidfile).toBe(pidPath);
    expect(await readFile(pidPath, 'utf8')).toBe(`${process.pid}\n`);
    expect(lines.find((l) => l.msg === 'l2bgwd started')).toMatchObject({ component: 'daemon', router_id: '192.0.2.1', local_as: 65001, level: 'info' });
    expect(d.config?.router_id).toBe('192.0.2.1');
  });

  test('start hooks run in order with the config; a failing one stops the daemon', async () => {
    const d = daemon();
    const seen: string[] = [];
    d.onStart((c) => void seen.push(`a ${c.local_as}`), 'a');
    d.onStart(() => {
      throw new Error('no socket');
    }, 'b');
    d.onStop(() => void seen.push('stop a'));
    expect(await d.start(config())).toEqual({ ok: false, reason: 'b failed to start: no socket' });
    expect(seen).toEqual(['a 65001', 'stop a']);
    expect(existsSync(join(dir, 'var', 'nested', PIDFILE_NAME))).toBe(false);
    expect(messages()).not.toContain('l2bgwd started');
  });

  test('a data_dir that cannot be created', async () => {
    await writeFile(join(dir, 'file'), '');
    const r = await daemon().start(config(yaml().replace(/data_dir: .*/, `data_dir: ${join(dir, 'file', 'sub')}`)));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/^cannot create data_dir .*file\/sub: ENOTDIR/);
  });

  test('the log level follows the config', async () => {
    const d = daemon();
    await d.start(config(yaml('log_level: warn\n')));
    d.logger('bgp').info('hidden');
    d.logger('bgp').warn('shown');
    expect(messages()).toEqual(['shown']);
    expect(lines[0].component).toBe('bgp');
  });
});

describe('pidfile', () => {
  test('a stale pidfile (dead process, or a live one that is not l2bgwd) is taken over', async () => {
    const path = join(dir, 'x.pid');
    await writeFile(path, '999999999\n');
    expect(await acquirePidfile(path, 4242)).toEqual({ ok: true });
    expect(await readFile(path, 'utf8')).toBe('4242\n');
    // This test process is alive but is no l2bgwd.
    await writeFile(path, `${process.pid}\n`);
    expect(await acquirePidfile(path, 4243)).toEqual({ ok: true });
    await releasePidfile(path, 1);
    expect(existsSync(path)).toBe(true);
    await releasePidfile(path, 4243);
    expect(existsSync(path)).toBe(false);
  });
});

describe('stop', () => {
  test('hooks run newest first with the reason; pidfile removed; a second call gets the same outcome', async () => {
    const d = daemon();
    const seen: string[] = [];
    d.onStop((r) => void seen.push(`first ${r}`));
    d.onStop(async (r) => {
      await sleep(10);
      seen.push(`second ${r}`);
    });
    await d.start(config());
    const a = d.stop('SIGTERM');
    const b = d.stop('again');
    expect(await a).toEqual({ clean: true });
    expect(await b).toEqual({ clean: true });
    expect(seen).toEqual(['second SIGTERM', 'first SIGTERM']);
    expect(existsSync(d.pidfile!)).toBe(false);
    expect(messages().slice(-1)).toEqual(['l2bgwd stopped']);
  });

  test('a failing hook is logged and the others still run', async () => {
    const d = daemon();
    const seen: string[] = [];
    d.onStop(() => void seen.push('first'));
    d.onStop(() => Promise.reject(new Error('socket gone')), 'api');
    await d.start(config());
    expect(await d.stop('SIGTERM')).toEqual({ clean: false });
    expect(seen).toEqual(['first']);
    expect(lines.find((l) => l.msg === 'component failed to stop cleanly')).toMatchObject({ hook: 'api', level: 'error' });
  });

  test('a hung hook does not hold the stop past the deadline; later hooks are still told to stop', async () => {
    const d = daemon(150);
    const seen: string[] = [];
    d.onStop(() => void seen.push('bgp told'), 'bgp');
    d.onStop(() => new Promise<void>(() => undefined), 'stuck');
    await d.start(config());
    const t0 = performance.now();
    expect(await d.stop('SIGTERM')).toEqual({ clean: false });
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1000);
    expect(seen).toEqual(['bgp told']);
    expect(lines.find((l) => l.msg === 'component did not stop in time')).toMatchObject({ hook: 'stuck' });
    expect(lines.find((l) => l.msg === 'stop deadline passed; not waiting for this component')).toMatchObject({ hook: 'bgp' });
    expect(existsSync(d.pidfile!)).toBe(false);
  });
});

describe('reload', () => {
  test('a bad file logs every error and keeps the running config', async () => {
    const d = daemon();
    let called = 0;
    d.onReload(() => void called++);
    const first = config();
    await d.start(first);
    const file = join(dir, 'bad.yaml');
    await writeFile(file, yaml('log_level: loud\nvteps: 3\n'));
    const r = await d.reload(file);
    const want = ['vteps: must be a list, got 3', 'log_level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'];
    expect(r).toEqual({ ok: false, errors: want });
    expect(lines.filter((l) => l.msg === 'config error').map((l) => l.error)).toEqual(want);
    expect(lines.find((l) => l.msg === 'config reload rejected; keeping the running config')).toMatchObject({ file, errors: 2, level: 'warn' });
    expect(d.config).toBe(first);
    expect(called).toBe(0);
  });

  test('a missing file is an error like any other', async () => {
    const d = daemon();
    await d.start(config());
    const r = await d.reload(join(dir, 'gone.yaml'));
    expect(r.ok ? [] : r.errors).toEqual([`${join(dir, 'gone.yaml')}: cannot read: ENOENT: no such file or directory, open '${join(dir, 'gone.yaml')}'`]);
  });

  test('a good file: hooks get the diff, the new config and the old one; the log lists the changes', async () => {
    const d = daemon();
    const calls: unknown[] = [];
    d.onReload((diff, next, prev) => void calls.push([diff.peers.added.map((p) => p.address), next.log_level, prev.log_level]));
    d.onReload(() => {
      throw new Error('cannot apply');
    }, 'evpn');
    await d.start(config());
    const file = join(dir, 'good.yaml');
    await writeFile(file, yaml('    - { address: 127.0.0.5, remote_as: 65005 }\nlog_level: debug\n'));
    const r = await d.reload(file);
    expect(r.ok).toBe(true);
    expect(calls).toEqual([[['127.0.0.5'], 'debug', 'info']]);
    expect(lines.find((l) => l.msg === 'config reloaded')).toMatchObject({ file, changes: ['peer 127.0.0.5 added', 'log_level changed'] });
    expect(lines.find((l) => l.msg === 'component failed to apply the reload')).toMatchObject({ hook: 'evpn' });
    expect(d.config?.log_level).toBe('debug');
    d.logger('vtep').debug('now visible');
    expect(messages()).toContain('now visible');
  });

  test('an unchanged file calls no hook; reloads run one at a time', async () => {
    const d = daemon();
    let called = 0;
    d.onReload(() => void called++);
    await d.start(config());
    const file = join(dir, 'same.yaml');
    await writeFile(file, yaml());
    const results = await Promise.all([d.reload(file), d.reload(file)]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(called).toBe(0);
    expect(messages().filter((m) => m === 'config reloaded: no change')).toHaveLength(2);
  });

  test('no reload before start or while stopping', async () => {
    const d = daemon();
    expect(await d.reload('x.yaml')).toEqual({ ok: false, errors: ['the daemon is not running'] });
    await d.start(config());
    void d.stop('SIGTERM');
    expect(await d.reload('x.yaml')).toEqual({ ok: false, errors: ['the daemon is not running'] });
  });
});
