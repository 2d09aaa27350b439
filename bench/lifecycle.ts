/*
 * Lifecycle benchmark (issue 2, "Benchmark"): N trivial workers (run awaits the abort signal)
 * are started until all are `Run`, then stopped until all are `Stopped`, in three designs:
 *
 *   uwe         a Chief with N workers and a custom locker the benchmark resolves;
 *   raw XState  one parent spawning N lifecycle machines, one `fromPromise` per phase (baselines/raw-xstate.ts);
 *   plain JS    AbortController + promise per worker (baselines/plain.ts).
 *
 * Every measurement runs in a fresh child process (this file with `--child <design> <n>`), so
 * heaps and JIT state never mix; each child first runs one small warm-up round of its own design.
 *
 *   node --expose-gc --import tsx bench/lifecycle.ts [--sizes 1000,10000] [--repeats 3] [--cold]
 *                                                    [--src | --uwe <path of a build's index.js>]
 *
 * The Chief is measured as shipped, from `dist/` (`npm run bench` builds it first); `--src`
 * measures `src/` through tsx instead (see `loadUwe`), `--uwe` another build (a candidate change).
 * One measurement by hand: `... bench/lifecycle.ts --child uwe 10000` prints its sample.
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { RunResult, Worker } from '../src/index.js';
import { firstMismatch, untilAborted, type LifecycleDesign } from './baselines/design.js';
import { plainDesign } from './baselines/plain.js';
import { rawXStateDesign } from './baselines/raw-xstate.js';
import { heapAfterGc } from './heap.js';

/** The designs, in the order they are reported. */
export const DESIGNS = ['uwe', 'raw-xstate', 'plain'] as const;
/** Also measurable on demand: uwe with a no-op inspection observer (`new Chief({ inspect })`, bench/inspect.ts). */
export const EXTRA_DESIGNS = ['uwe-inspect'] as const;
export type DesignName = (typeof DESIGNS)[number] | (typeof EXTRA_DESIGNS)[number];

const DESIGN_LABELS: Record<DesignName, string> = {
  uwe: 'uwe (ours)',
  'raw-xstate': 'raw XState',
  plain: 'plain JS',
  'uwe-inspect': 'uwe with a no-op inspector',
};

/** Issue 2's targets. */
export const TARGETS = {
  /** 1,000 -> 10,000 workers: time may grow at most this much. */
  maxGrowth: 12,
  /** all-Run time of ours / raw XState. */
  maxUpRatio: 0.6,
  /** all-Stopped time of ours / raw XState. */
  maxDownRatio: 0.7,
  /** Heap bytes per worker (4.5 KiB). */
  maxHeapPerWorker: 4.5 * 1024,
} as const;

/** One measurement, made in one child process. */
export interface Sample {
  design: DesignName;
  n: number;
  /** From the first per-worker allocation until the design learned the last worker is `Run`. */
  upMs: number;
  /** From asking the stop until every worker is `Stopped` (for uwe: until `run()` resolved). */
  downMs: number;
  /**
   * heapUsed after full GCs at all-`Run`, minus heapUsed after full GCs before the round (or
   * after it, once released, when that is lower), divided by n.
   */
  heapPerWorker: number;
  /** CPU time (user + system, all threads) of the process during `upMs`: less sensitive to a busy machine. */
  upCpuMs: number;
  /** CPU time of the process during `downMs`. */
  downCpuMs: number;
  /** uwe only: what was measured (`dist`, `src`, or the path of another build). */
  source?: UweSource;
}

export interface LifecycleBenchOptions {
  /** Worker counts; the growth factor compares the first and the last. @default [1_000, 10_000] */
  sizes?: number[];
  /** Measurements per design and size; the report gives the median. @default 3 */
  repeats?: number;
  /** Skip the warm-up round in each child process. @default false */
  cold?: boolean;
  /** Measure the Chief from `dist/` (as shipped; falls back to `src/` when not built), `src/`, or another build's index.js. @default 'dist' */
  source?: UweSource;
  /** Progress lines go here. @default stderr */
  log?: (line: string) => void;
  /** Limit of one child process. @default 150_000 */
  childTimeoutMs?: number;
  /** A design and size whose first run takes longer than this (up + down) is not repeated. @default 20_000 */
  slowMs?: number;
  /** The designs to measure. @default DESIGNS */
  designs?: readonly DesignName[];
}

// ---------------------------------------------------------------------------------------------
// The design under test: a Chief.

type UweModule = typeof import('../src/index.js');

/** Where the Chief under test was loaded from: the package's `dist/` or `src/`, or the path of another build. */
export type UweSource = 'dist' | 'src' | (string & {});

/**
 * The package as users get it: `dist/` (what `npm run bench` builds first), else `src/` through
 * tsx. tsx compiles with esbuild's `keepNames`, which gives every named closure its own `name`
 * property, property array and hidden class (about 0.3 KB per closure made per worker), so
 * `src/` overstates the heap per worker; the report says which one was measured.
 */
export async function loadUwe(prefer: UweSource = 'dist'): Promise<{ uwe: UweModule; source: UweSource }> {
  if (prefer !== 'dist' && prefer !== 'src') {
    // Another build, e.g. a candidate change built elsewhere: `--uwe /tmp/candidate/dist/index.js`.
    return { uwe: (await import(pathToFileURL(prefer).href)) as UweModule, source: prefer };
  }
  const dist = new URL('../dist/index.js', import.meta.url);
  if (prefer === 'dist' && existsSync(dist)) return { uwe: (await import(dist.href)) as UweModule, source: 'dist' };
  return { uwe: await import('../src/index.js'), source: 'src' };
}

/** Our design: a Chief with N workers, stopped by resolving a custom locker. */
export function uweDesign(uwe: UweModule, options?: ConstructorParameters<UweModule['Chief']>[0]): LifecycleDesign {
  let chief: InstanceType<UweModule['Chief']> | undefined;
  let names: readonly string[] = [];
  let running: Promise<RunResult> | undefined;
  let unlock: () => void = () => {};
  const worker: Worker = { run: (ctx) => untilAborted(ctx.signal) };
  return {
    start(workerNames, onAllRun) {
      names = workerNames;
      const c = new uwe.Chief(options);
      chief = c;
      for (const name of names) c.addWorker(name, worker);
      const locker = new Promise<void>((resolve) => (unlock = resolve));
      c.setLocker(() => locker);
      // The Chief enters `running` once every worker has launched (reached Run, or failed):
      // an O(1) test per change; `check('Run')` then verifies every state once.
      const source = c.healthSource();
      let seen = false;
      const off = source.onChange(() => {
        if (!seen && source.getPhase() === 'running') {
          seen = true;
          off();
          onAllRun();
        }
      });
      running = c.run();
    },
    async stop() {
      unlock();
      const result = await running!;
      if (!result.graceful || result.failed.length > 0) throw new Error(`uwe stop not graceful: ${JSON.stringify(result)}`);
    },
    check(expected) {
      const states = chief!.getWorkersStates();
      return firstMismatch(names, (name) => states[name], expected);
    },
  };
}

/** How to make the design under test (for uwe, once its module is loaded). */
async function designFactory(design: DesignName, source: UweSource): Promise<{ make: () => LifecycleDesign; source?: UweSource }> {
  switch (design) {
    case 'uwe': {
      const loaded = await loadUwe(source);
      return { make: () => uweDesign(loaded.uwe), source: loaded.source };
    }
    case 'uwe-inspect': {
      const loaded = await loadUwe(source);
      let seen = 0;
      return { make: () => uweDesign(loaded.uwe, { inspect: () => void seen++ }), source: loaded.source };
    }
    case 'raw-xstate':
      return { make: rawXStateDesign };
    case 'plain':
      return { make: plainDesign };
  }
}

// ---------------------------------------------------------------------------------------------
// One measurement (inside a child process).

interface Round {
  upMs: number;
  downMs: number;
  upCpuMs: number;
  downCpuMs: number;
  /** heapUsed after full GCs just before the round, and at all-Run. */
  heapBefore: number;
  heapAtRun: number;
}

/** Starts `names.length` workers of one design until all are Run, then stops them all. */
async function cycle(design: DesignName, make: () => LifecycleDesign, names: readonly string[]): Promise<Round> {
  const d = make();
  const heapBefore = heapAfterGc();
  let upAt = 0;
  let upCpu = 0;
  let allRun!: () => void;
  const up = new Promise<void>((resolve) => (allRun = resolve));
  const cpu0 = cpuMs();
  const t0 = performance.now();
  d.start(names, () => {
    upAt = performance.now();
    upCpu = cpuMs();
    allRun();
  });
  await up;
  const heapAtRun = heapAfterGc();
  const notRun = d.check('Run');
  if (notRun) throw new Error(`${design}: at all-Run, ${notRun}`);
  const cpu1 = cpuMs();
  const t1 = performance.now();
  await d.stop();
  const downMs = performance.now() - t1;
  const downCpuMs = cpuMs() - cpu1;
  const notStopped = d.check('Stopped');
  if (notStopped) throw new Error(`${design}: at all-Stopped, ${notStopped}`);
  return { upMs: upAt - t0, downMs, upCpuMs: upCpu - cpu0, downCpuMs, heapBefore, heapAtRun };
}

/** Lets what the current task still holds go, then measures the heap. */
async function heapAfterRelease(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return heapAfterGc();
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

/** The child process: one warm-up round (unless cold), then one measured round. */
export async function measureInThisProcess(
  design: DesignName,
  n: number,
  options: { cold?: boolean; source?: UweSource } = {},
): Promise<Sample> {
  const { make, source } = await designFactory(design, options.source ?? 'dist');
  if (!options.cold) {
    await cycle(design, make, workerNames(Math.min(1_000, n), 'warm'));
    // The finished round stays reachable until the current task ends: let it go before measuring.
    await heapAfterRelease();
  }
  const { heapBefore, heapAtRun, ...times } = await cycle(design, make, workerNames(n, 'w'));
  // The heap a round adds: from before it, or, when an earlier round was still partly
  // reachable then, from the heap once this round is gone too (the lower of the two).
  const heapAfter = await heapAfterRelease();
  const heapPerWorker = (heapAtRun - Math.min(heapBefore, heapAfter)) / n;
  return { design, n, ...times, heapPerWorker, ...(source ? { source } : {}) };
}

function workerNames(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

// ---------------------------------------------------------------------------------------------
// The parent: fork, collect, summarize.

const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ChildOptions {
  cold: boolean;
  source: UweSource;
}

function measureInChild(design: DesignName, n: number, opts: ChildOptions, timeoutMs: number): Promise<Sample> {
  return new Promise<Sample>((resolve, reject) => {
    const args = ['--child', design, String(n), ...(opts.cold ? ['--cold'] : []), '--uwe', opts.source];
    const child = fork(THIS_FILE, args, {
      cwd: REPO_ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let sample: Sample | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => (sample = message as Sample));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (sample && code === 0) resolve(sample);
      else if (timedOut) reject(new Error(`no result within ${(timeoutMs / 1000).toFixed(0)} s`));
      else reject(new Error(`the child process exited with ${signal ?? code} and no result`));
    });
  });
}

/** The samples of one design at one size, and why there are fewer than asked for, if so. */
export interface Cell {
  design: DesignName;
  n: number;
  samples: Sample[];
  note?: string;
}

/** What one run of the benchmark measured. */
export interface LifecycleResults {
  sizes: number[];
  repeats: number;
  cold: boolean;
  cells: Cell[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Figure {
  median: number;
  min: number;
  max: number;
}

interface Summary {
  runs: number;
  up: Figure;
  down: Figure;
  heap: Figure;
  upCpu: number;
  downCpu: number;
}

function figure(values: number[]): Figure {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function summarize(cell: Cell | undefined): Summary | undefined {
  if (!cell || cell.samples.length === 0) return undefined;
  const s = cell.samples;
  return {
    runs: s.length,
    up: figure(s.map((x) => x.upMs)),
    down: figure(s.map((x) => x.downMs)),
    heap: figure(s.map((x) => x.heapPerWorker)),
    upCpu: median(s.map((x) => x.upCpuMs)),
    downCpu: median(s.map((x) => x.downCpuMs)),
  };
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const ratio = (value: number) => `${value.toFixed(2)}x`;
const spread = (f: Figure, format: (v: number) => string) =>
  f.min === f.max ? format(f.median) : `${format(f.median)} (${format(f.min)}–${format(f.max)})`;
const count = (n: number) => n.toLocaleString('en-US');
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : '**missed**');

function sources(cells: Cell[]): string {
  const found = new Set(cells.flatMap((c) => c.samples.map((s) => s.source)).filter((s) => s !== undefined));
  return [...found].join(', ') || 'dist';
}

/** Renders one run's results as the markdown section BENCHMARKS.md quotes. */
export function renderLifecycleMarkdown(results: LifecycleResults): string {
  const { sizes, repeats, cells } = results;
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const cellOf = (design: DesignName, n: number) => cells.find((c) => c.design === design && c.n === n);
  const at = (design: DesignName, n: number) => summarize(cellOf(design, n));
  const cpu = cpus();
  const lines: string[] = [];
  lines.push('## Lifecycle: N trivial workers to all-`Run` and back to all-`Stopped`');
  lines.push('');
  lines.push(
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}/${process.arch}; ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end. ` +
      `Median of ${repeats} runs (min–max), each in a fresh process` +
      (results.cold ? ', cold (no warm-up round)' : ' after one warm-up round of 1,000 workers of the same design') +
      `; uwe measured from \`${sources(cells)}\`. ` +
      'All-Run: from the first per-worker allocation (for uwe, the first `addWorker`) until the design knows every worker is `Run`; ' +
      'all-Stopped: from asking the stop (for uwe, resolving the locker) until every worker is `Stopped` (for uwe, until `run()` resolved); ' +
      'heap: heapUsed after full GCs at all-Run minus before, per worker. CPU: user + system time of the process over the same span.',
  );
  lines.push('');
  lines.push('| N | design | all-Run (ms) | all-Stopped (ms) | CPU up / down (ms) | heap per worker |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const n of sizes) {
    for (const design of DESIGNS) {
      const f = at(design, n);
      const note = cellOf(design, n)?.note;
      if (!f) {
        lines.push(`| ${count(n)} | ${DESIGN_LABELS[design]} | – | – | – | – |${note ? ` ${note}` : ''}`);
        continue;
      }
      const label = `${DESIGN_LABELS[design]}${note ? ` (${note})` : ''}`;
      lines.push(
        `| ${count(n)} | ${label} | ${spread(f.up, ms)} | ${spread(f.down, ms)} | ${ms(f.upCpu)} / ${ms(f.downCpu)} | ${kib(f.heap.median)} (${f.heap.median.toFixed(0)} B) |`,
      );
    }
  }
  const ratioOf = (a: Summary | undefined, b: Summary | undefined, pick: (x: Summary) => number) =>
    a && b ? pick(a) / pick(b) : undefined;
  const show = (value: number | undefined) => (value === undefined ? 'n/a' : ratio(value));
  lines.push('');
  lines.push('Ours / raw XState, medians (in brackets: CPU time; ours / plain JS):');
  lines.push('');
  lines.push('| N | all-Run | all-Stopped | heap per worker |');
  lines.push('| ---: | ---: | ---: | ---: |');
  for (const n of sizes) {
    const [ours, raw, plain] = [at('uwe', n), at('raw-xstate', n), at('plain', n)];
    const cell = (wall: (x: Summary) => number, cpuTime?: (x: Summary) => number) =>
      `${show(ratioOf(ours, raw, wall))}` +
      (cpuTime ? ` (CPU ${show(ratioOf(ours, raw, cpuTime))}; ${show(ratioOf(ours, plain, wall))})` : ` (${show(ratioOf(ours, plain, wall))})`);
    lines.push(
      `| ${count(n)} | ${cell((x) => x.up.median, (x) => x.upCpu)} | ${cell((x) => x.down.median, (x) => x.downCpu)} | ${cell((x) => x.heap.median)} |`,
    );
  }
  if (sizes.length > 1) {
    lines.push('');
    lines.push(`Growth from ${count(first)} to ${count(last)} workers (${last / first}x the workers; linear is ${last / first}x):`);
    lines.push('');
    lines.push('| design | all-Run | all-Stopped |');
    lines.push('| --- | ---: | ---: |');
    for (const design of DESIGNS) {
      const [a, b] = [at(design, first), at(design, last)];
      lines.push(`| ${DESIGN_LABELS[design]} | ${show(ratioOf(b, a, (x) => x.up.median))} | ${show(ratioOf(b, a, (x) => x.down.median))} |`);
    }
  }
  lines.push('');
  lines.push('Targets (issue 2), on the wall-clock medians:');
  lines.push('');
  lines.push('| target | measured | |');
  lines.push('| --- | --- | --- |');
  if (sizes.length > 1) {
    const [a, b] = [at('uwe', first), at('uwe', last)];
    const up = ratioOf(b, a, (x) => x.up.median);
    const down = ratioOf(b, a, (x) => x.down.median);
    const ok = up === undefined || down === undefined ? undefined : Math.max(up, down) <= TARGETS.maxGrowth;
    lines.push(`| growth ${count(first)} -> ${count(last)} ≤ ${TARGETS.maxGrowth}x | all-Run ${show(up)}, all-Stopped ${show(down)} | ${verdict(ok)} |`);
  }
  for (const n of sizes) {
    const [ours, raw] = [at('uwe', n), at('raw-xstate', n)];
    const up = ratioOf(ours, raw, (x) => x.up.median);
    const down = ratioOf(ours, raw, (x) => x.down.median);
    const heap = ours?.heap.median;
    lines.push(`| all-Run ≤ ${TARGETS.maxUpRatio}x raw XState, N = ${count(n)} | ${show(up)} | ${verdict(up === undefined ? undefined : up <= TARGETS.maxUpRatio)} |`);
    lines.push(
      `| all-Stopped ≤ ${TARGETS.maxDownRatio}x raw XState, N = ${count(n)} | ${show(down)} | ${verdict(down === undefined ? undefined : down <= TARGETS.maxDownRatio)} |`,
    );
    lines.push(
      `| heap ≤ ${kib(TARGETS.maxHeapPerWorker)} per worker, N = ${count(n)} | ${heap === undefined ? 'n/a' : kib(heap)} | ${verdict(heap === undefined ? undefined : heap <= TARGETS.maxHeapPerWorker)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Runs every design × size × repeat, each in its own child process, rounds interleaved so a
 * busy spell of the machine hits all designs alike. A cell whose first run is slower than
 * `slowMs`, or fails, is not repeated (the report says so).
 *
 * @example
 * ```ts
 * const results = await measureLifecycle({ sizes: [1_000], repeats: 1 });
 * ```
 */
export async function measureLifecycle(options: LifecycleBenchOptions = {}): Promise<LifecycleResults> {
  const sizes = options.sizes ?? [1_000, 10_000];
  const repeats = options.repeats ?? 3;
  const child: ChildOptions = { cold: options.cold ?? false, source: options.source ?? 'dist' };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.childTimeoutMs ?? 150_000;
  const slowMs = options.slowMs ?? 20_000;
  const designs = options.designs ?? DESIGNS;
  const cells: Cell[] = sizes.flatMap((n) => designs.map((design) => ({ design, n, samples: [] as Sample[] })));
  for (let round = 1; round <= repeats; round++) {
    for (const cell of cells) {
      if (cell.note) continue;
      const { design, n } = cell;
      const label = `lifecycle ${round}/${repeats} ${design.padEnd(10)} n=${String(n).padStart(6)}`;
      try {
        const sample = await measureInChild(design, n, child, timeoutMs);
        cell.samples.push(sample);
        log(
          `${label}: up ${ms(sample.upMs)} ms, down ${ms(sample.downMs)} ms, ` +
            `heap ${sample.heapPerWorker.toFixed(0)} B/worker`,
        );
        if (round < repeats && sample.upMs + sample.downMs > slowMs) {
          cell.note = `${cell.samples.length} run: over ${slowMs / 1000} s, not repeated`;
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        cell.note = `failed: ${message}`;
        log(`${label}: ${cell.note}`);
      }
    }
  }
  return { sizes, repeats, cold: child.cold, cells };
}

/**
 * Runs the lifecycle benchmark and returns the markdown report.
 *
 * @example
 * ```ts
 * console.log(await runLifecycleBench({ sizes: [1_000, 10_000], repeats: 3 }));
 * ```
 */
export async function runLifecycleBench(options: LifecycleBenchOptions = {}): Promise<string> {
  return renderLifecycleMarkdown(await measureLifecycle(options));
}

// ---------------------------------------------------------------------------------------------
// Command line.

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--src`, `--uwe <dist|src|path of a build's index.js>`, else `dist`. */
function sourceArg(args: string[]): UweSource {
  if (args.includes('--src')) return 'src';
  return argValue(args, '--uwe') ?? 'dist';
}

async function main(args: string[]): Promise<void> {
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    const design = args[childAt + 1] as DesignName;
    const n = Number(args[childAt + 2]);
    const known: readonly string[] = [...DESIGNS, ...EXTRA_DESIGNS];
    if (!known.includes(design) || !(n > 0)) throw new Error(`usage: --child <${known.join('|')}> <n>`);
    const sample = await measureInThisProcess(design, n, { cold: args.includes('--cold'), source: sourceArg(args) });
    // Exit at once: the measurement is over, and nothing else should run after it.
    if (process.send) process.send(sample, () => process.exit(0));
    else {
      // Started by hand: print the sample.
      process.stdout.write(`${JSON.stringify(sample)}\n`);
      process.exit(0);
    }
    return;
  }
  const sizes = argValue(args, '--sizes')?.split(',').map(Number);
  const repeats = argValue(args, '--repeats');
  const markdown = await runLifecycleBench({
    ...(sizes ? { sizes } : {}),
    ...(repeats ? { repeats: Number(repeats) } : {}),
    cold: args.includes('--cold'),
    source: sourceArg(args),
  });
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    // A child with a half-stopped design may hold timers: do not wait for them.
    process.exit(1);
  });
}
