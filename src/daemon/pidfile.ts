/**
 * The daemon's pidfile under data_dir: created exclusively, taken over when
 * the process it names is gone (or is not an l2bgwd: pids are reused after a
 * reboot), removed on stop only if it still names this process.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';

export type PidfileResult = { ok: true } | { ok: false; reason: string };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function looksLikeL2bgwd(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('l2bgwd') || cmdline.includes('daemon/main');
  } catch {
    // No /proc (not Linux) or no access: trust the liveness check alone.
    return true;
  }
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function acquirePidfile(path: string, pid: number = process.pid): Promise<PidfileResult> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${pid}\n`, { flag: 'wx' });
      return { ok: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, reason: `cannot create ${path}: ${(err as Error).message}` };
    }
    const holder = await readPid(path);
    if (holder !== undefined && holder !== pid && isAlive(holder) && (await looksLikeL2bgwd(holder))) {
      return { ok: false, reason: `another l2bgwd (pid ${holder}) holds ${path}` };
    }
    await unlink(path).catch(() => undefined);
  }
  return { ok: false, reason: `cannot take over ${path}: it keeps coming back` };
}

export async function releasePidfile(path: string, pid: number = process.pid): Promise<void> {
  if ((await readPid(path)) === pid) await unlink(path).catch(() => undefined);
}
