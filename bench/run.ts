/**
 * `npm run bench -- NAME [options]`: runs one benchmark. Its last line on stdout is one
 * JSON object `{"bench": NAME, ...figures, "unit": ...}` (DESIGN.md §4).
 * Each benchmark is bench/NAME.ts exporting `run(args: string[]): Promise<object>`.
 */
const [name, ...args] = process.argv.slice(2);
const known = ['codec', 'rib', 'vtep'];
if (!name || !known.includes(name)) {
  console.error(`usage: npm run bench -- ${known.join('|')} [options]`);
  process.exit(2);
}
const mod = (await import(`./${name}.js`)) as { run(args: string[]): Promise<Record<string, unknown>> };
const figures = await mod.run(args);
console.log(JSON.stringify({ bench: name, ...figures }));
