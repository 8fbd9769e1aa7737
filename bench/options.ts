/** `--name N` from a benchmark's arguments: a positive integer, or `fallback` when absent. */
export function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} wants a positive integer`);
  return n;
}
