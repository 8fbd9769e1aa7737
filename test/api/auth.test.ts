import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerMatches, loadOrCreateToken } from '../../src/api/auth.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bgw-token-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('admin token', () => {
  it('is created with a random value and mode 0600 when missing, then read back', async () => {
    const file = join(dir, 'sub', 'admin.token');
    const a = await loadOrCreateToken(file);
    expect(a).toMatchObject({ ok: true, created: true });
    if (!a.ok) return;
    expect(a.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(a.token);
    expect(await loadOrCreateToken(file)).toEqual({ ok: true, token: a.token, created: false });
    const other = await loadOrCreateToken(join(dir, 'other.token'));
    expect(other.ok && other.token !== a.token).toBe(true);
  });

  it('ignores surrounding white space and refuses an empty file', async () => {
    await writeFile(join(dir, 'ws'), '\n  secret-value \t\n');
    expect(await loadOrCreateToken(join(dir, 'ws'))).toEqual({ ok: true, token: 'secret-value', created: false });
    await writeFile(join(dir, 'empty'), ' \n');
    expect((await loadOrCreateToken(join(dir, 'empty'))).ok).toBe(false);
  });

  it('matches only "Bearer <token>"', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    for (const h of [undefined, '', 'Bearer', 'Bearer abcd', 'Bearer ab', 'Basic abc', 'abc', 'Bearer abc def']) expect(bearerMatches(h, 'abc')).toBe(false);
  });
});
