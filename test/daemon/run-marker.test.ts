/** The restart marker in data_dir: written at every start, its presence makes the next start a restart. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { RUN_MARKER_NAME, takeRunMarker } from '../../src/daemon/run-marker.js';
import { createLogger } from '../../src/log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgw-marker-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const T0 = new Date('2024-05-01T10:00:00.000Z');

describe('takeRunMarker', () => {
  it('first start: no previous run; the marker names this one', async () => {
    const r = await takeRunMarker(dir, { pid: 111, started: T0 });
    expect(r).toEqual({ warnings: [] });
    expect(JSON.parse(await readFile(join(dir, RUN_MARKER_NAME), 'utf8'))).toEqual({ pid: 111, started: T0.toISOString() });
  });

  it('second start: the previous run is reported and replaced', async () => {
    await takeRunMarker(dir, { pid: 111, started: T0 });
    const r = await takeRunMarker(dir, { pid: 222, started: new Date(T0.getTime() + 60_000) });
    expect(r).toEqual({ previous: { pid: 111, started: T0.toISOString() }, warnings: [] });
    expect(JSON.parse(await readFile(join(dir, RUN_MARKER_NAME), 'utf8'))).toMatchObject({ pid: 222 });
  });

  it('a marker cut short by a crash still means a previous run', async () => {
    await writeFile(join(dir, RUN_MARKER_NAME), '{"pid":1');
    expect((await takeRunMarker(dir, { pid: 2, started: T0 })).previous).toEqual({});
  });

  it('a missing data_dir only warns: not a restart, nothing thrown', async () => {
    const r = await takeRunMarker(join(dir, 'missing'), { pid: 2, started: T0 });
    expect(r.previous).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/cannot write .*l2bgwd\.last-start/);
  });

  it('an unreadable marker only warns', async () => {
    await mkdir(join(dir, RUN_MARKER_NAME));
    const r = await takeRunMarker(dir, { pid: 2, started: T0 });
    expect(r.previous).toBeUndefined();
    expect(r.warnings.join('\n')).toMatch(/cannot read/);
  });
});

describe('Daemon.previousRun', () => {
  it('undefined on the first start in a data_dir, set on the next', async () => {
    const lines: Array<{ msg: string; level: string }> = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string; level: string }) } });
    const parsed = parseConfig(`router_id: 192.0.2.1\nlocal_as: 65001\ndata_dir: ${join(dir, 'var')}\n`, 'test.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const first = new Daemon({ logger });
    const seen: Array<unknown> = [];
    first.onStart(() => void seen.push(first.previousRun));
    expect(await first.start(parsed.config)).toEqual({ ok: true });
    await first.stop('test');
    const second = new Daemon({ logger });
    second.onStart(() => void seen.push(second.previousRun));
    expect(await second.start(parsed.config)).toEqual({ ok: true });
    await second.stop('test');
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toMatchObject({ pid: process.pid });
    expect(lines.filter((l) => l.msg.startsWith('restart: an earlier l2bgwd ran with this data_dir'))).toHaveLength(1);
  });
});
