/*
 * `npm run bench` (after `npm run build`): every benchmark of the package, as one markdown
 * report on stdout; progress goes to stderr.
 *
 *   node --expose-gc --import tsx bench/run.ts [--out report.md]
 *
 * Lifecycle (bench/lifecycle.ts) and inspection overhead (bench/inspect.ts) always; the service
 * socket benchmark when bench/socket.ts exists and exports `runSocketBench`, the mailbox benchmark
 * (bench/mailbox.ts, `runMailboxBench`) likewise; else a note says it was skipped.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runInspectBench } from './inspect.js';
import { runLifecycleBench } from './lifecycle.js';
import { runSoakBench, soakOptionsFrom } from './soak.js';

type Bench = () => Promise<string>;

/** A benchmark in another file that may not exist (yet): its runner, or why it is skipped. */
async function optionalBench(file: string, exportName: string): Promise<Bench | string> {
  const url = new URL(file, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return `bench/${file} is not there`;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const run = mod[exportName];
  return typeof run === 'function' ? (run as Bench) : `bench/${file} does not export ${exportName}()`;
}

async function main(args: string[]): Promise<void> {
  const benches: Array<{ name: string; run: Bench | string }> = [
    { name: 'lifecycle', run: () => runLifecycleBench() },
    { name: 'inspect', run: () => runInspectBench() },
    { name: 'socket', run: await optionalBench('socket.ts', 'runSocketBench') },
    { name: 'mailbox', run: await optionalBench('mailbox.ts', 'runMailboxBench') },
    { name: 'isolation', run: await optionalBench('isolation.ts', 'runIsolationBench') },
  ];
  // Last, as it is the longest: 3 x 32 s (`--short`: 3 x 7 s, `--soak-seconds N`).
  benches.push({ name: 'soak', run: () => runSoakBench(soakOptionsFrom(args)) });
  const sections = ['# uwe benchmarks'];
  let failed = false;
  for (const { name, run } of benches) {
    if (typeof run === 'string') {
      sections.push(`_${name} benchmark skipped: ${run}._`);
      process.stderr.write(`${name}: skipped (${run})\n`);
      continue;
    }
    const started = performance.now();
    try {
      sections.push(await run());
    } catch (error) {
      failed = true;
      sections.push(`_${name} benchmark failed: ${error instanceof Error ? error.message : String(error)}_`);
      console.error(error);
    }
    process.stderr.write(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const markdown = `${sections.join('\n\n')}\n`;
  process.stdout.write(markdown);
  const outAt = args.indexOf('--out');
  if (outAt >= 0 && args[outAt + 1]) await writeFile(args[outAt + 1], markdown);
  if (failed) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
