/**
 * Admin token (RFC 6750 bearer tokens): kept in a file holding the bare
 * token (surrounding white space ignored), created with a random value and
 * mode 0600 when missing; compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type TokenResult = { ok: true; token: string; created: boolean } | { ok: false; message: string };

export async function loadOrCreateToken(file: string): Promise<TokenResult> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length === 0) return { ok: false, message: `token file ${file} is empty` };
    return { ok: true, token, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, message: `cannot read token file ${file}: ${(e as Error).message}` };
  }
  const token = randomBytes(32).toString('base64url');
  try {
    await mkdir(dirname(file), { recursive: true });
    // 'wx': never overwrite a token another process wrote meanwhile.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { ok: true, token, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(file);
    return { ok: false, message: `cannot create token file ${file}: ${(e as Error).message}` };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Checks an Authorization header against the token; hashing first gives equal lengths for timingSafeEqual. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}
