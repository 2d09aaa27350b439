/*
 * Inspection overhead (issue 8): the lifecycle benchmark at 1,000 workers, a Chief with no
 * inspector beside one with a no-op inspection observer (`new Chief({ inspect: () => {} })`),
 * in the same run, rounds interleaved, each sample in a fresh process. Target: at most 2x slower.
 *
 *   node --expose-gc --import tsx bench/inspect.ts [--sizes 1000] [--repeats 5]
 */
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { measureLifecycle, type Cell, type UweSource } from './lifecycle.js';

/** The most a no-op inspector may slow the lifecycle down. */
export const MAX_INSPECT_RATIO = 2;

export interface InspectBenchOptions {
  sizes?: number[];
  repeats?: number;
  source?: UweSource;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Measures and returns the markdown section.
 *
 * @example
 * ```ts
 * console.log(await runInspectBench({ repeats: 5 }));
 * ```
 */
export async function runInspectBench(options: InspectBenchOptions = {}): Promise<string> {
  const sizes = options.sizes ?? [1_000];
  const repeats = options.repeats ?? 5;
  const results = await measureLifecycle({ sizes, repeats, designs: ['uwe', 'uwe-inspect'], source: options.source ?? 'dist' });
  const at = (design: Cell['design'], n: number) => results.cells.find((c) => c.design === design && c.n === n);
  const lines = [
    '## Inspection: a no-op inspector beside none',
    '',
    `The lifecycle benchmark (N trivial workers to all-\`Run\` and back to all-\`Stopped\`), median of ${repeats} runs each ` +
      'in a fresh process, rounds interleaved; `uwe` has no inspector, `uwe + inspect` a no-op function observer that XState ' +
      `calls for every inspection event of the tree. Load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end.`,
    '',
    '| N | design | all-Run (ms) | all-Stopped (ms) | up + down (ms) | heap per worker |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  const verdicts: string[] = [];
  for (const n of sizes) {
    const figures = (['uwe', 'uwe-inspect'] as const).map((design) => {
      const samples = at(design, n)?.samples ?? [];
      return {
        design,
        up: median(samples.map((s) => s.upMs)),
        down: median(samples.map((s) => s.downMs)),
        total: median(samples.map((s) => s.upMs + s.downMs)),
        heap: median(samples.map((s) => s.heapPerWorker)),
        runs: samples.length,
      };
    });
    for (const f of figures) {
      const label = f.design === 'uwe' ? 'uwe, no inspector' : 'uwe + inspect (no-op)';
      lines.push(`| ${n.toLocaleString('en-US')} | ${label} | ${f.up.toFixed(0)} | ${f.down.toFixed(0)} | ${f.total.toFixed(0)} | ${(f.heap / 1024).toFixed(2)} KiB |`);
    }
    const [none, inspected] = figures;
    const ratio = inspected!.total / none!.total;
    verdicts.push(
      `| no-op inspector ≤ ${MAX_INSPECT_RATIO}x, N = ${n.toLocaleString('en-US')} | ${ratio.toFixed(2)}x (all-Run ${(inspected!.up / none!.up).toFixed(2)}x, all-Stopped ${(inspected!.down / none!.down).toFixed(2)}x) | ${ratio <= MAX_INSPECT_RATIO ? 'met' : '**missed**'} |`,
    );
  }
  lines.push('', '| target | measured (up + down) | |', '| --- | --- | --- |', ...verdicts);
  return lines.join('\n');
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const sizes = argValue(args, '--sizes')?.split(',').map(Number);
  const repeats = argValue(args, '--repeats');
  runInspectBench({ ...(sizes ? { sizes } : {}), ...(repeats ? { repeats: Number(repeats) } : {}), ...(args.includes('--src') ? { source: 'src' } : {}) })
    .then((markdown) => process.stdout.write(`${markdown}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
