/*
 * Soak benchmark (issue 7, "Nothing grows without bound"): 100 workers whose `run` throws at
 * once, restarting after 50 ms, for a fixed time, in fresh child processes:
 *
 *   none      nobody listens to the events (the case that used to keep every error's stack);
 *   handler   an event handler that reads each event;
 *   limits    no listener, finite limits everywhere: each worker 100,000 within 60 s and the
 *             Chief 1e9 within 60 s, so both restart windows are kept and checked per restart.
 *
 * Reported (after a 2 s warm-up): restarts/s in the first and the last tenth of the time, and heapUsed after full GCs
 * at the end of the first tenth and at the end. Targets: last/first >= 0.9, growth < 5 MiB.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--seconds 30] [--short] [--src]
 *   node --expose-gc --import tsx bench/soak.ts --child none 30      # one run, JSON
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { heapAfterGc } from './heap.js';

export const SOAK_MODES = ['none', 'handler', 'limits'] as const;
export type SoakMode = (typeof SOAK_MODES)[number];

export const SOAK_TARGETS = { minRateRatio: 0.9, maxHeapGrowthBytes: 5 * 1024 * 1024 } as const;

const WORKERS = 100;
const BACKOFF_MS = 50;
const WARMUP_MS = 2_000;

export interface SoakSample {
  mode: SoakMode;
  seconds: number;
  restarts: number;
  firstTenthPerSec: number;
  lastTenthPerSec: number;
  /** Restarts per second of this process's CPU time (user + system): the cost of a restart, steadier on a shared machine. */
  firstTenthPerCpuSec: number;
  lastTenthPerCpuSec: number;
  heapStart: number;
  heapEnd: number;
  events: number;
  source: string;
}

export interface SoakOptions {
  /** Seconds per mode. @default 30 (5 with `short`) */
  seconds?: number;
  short?: boolean;
  source?: 'dist' | 'src';
}

type UweModule = typeof import('../src/index.js');

async function loadUwe(prefer: 'dist' | 'src'): Promise<{ uwe: UweModule; source: string }> {
  const dist = new URL('../dist/index.js', import.meta.url);
  if (prefer === 'dist' && existsSync(dist)) return { uwe: (await import(dist.href)) as UweModule, source: 'dist' };
  return { uwe: await import('../src/index.js'), source: 'src' };
}

/** One soak in this process. */
export async function soakInThisProcess(mode: SoakMode, seconds: number, prefer: 'dist' | 'src' = 'dist'): Promise<SoakSample> {
  const { uwe, source } = await loadUwe(prefer);
  const { Chief, Restart } = uwe;
  const limits = mode === 'limits';
  const chief = new Chief({ exitProcess: false, ...(limits ? { maxRestarts: 1e9, withinMs: 60_000 } : {}) });
  let runs = 0;
  let events = 0;
  for (let i = 0; i < WORKERS; i++) {
    chief.addWorker(
      `w${i}`,
      {
        async run() {
          runs++;
          throw new Error('soak');
        },
      },
      {
        restart: Restart.Always,
        maxRestarts: limits ? 100_000 : Infinity,
        withinMs: 60_000,
        backoff: { initialMs: BACKOFF_MS, maxMs: BACKOFF_MS, jitter: 0 },
      },
    );
  }
  if (mode === 'handler') chief.setEventHandler((e) => void (events += e.type.length > 0 ? 1 : 0));
  const tenthMs = (seconds * 1000) / 10;
  const marks: number[] = [];
  const cpuMarks: number[] = [];
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let heapStart = 0;
  let heapEnd = 0;
  const done = new Promise<void>((resolve) => {
    let tenth = 0;
    let last = performance.now();
    let lastRuns = 0;
    let lastCpu = 0;
    const tick = () => {
      const now = performance.now();
      marks.push(((runs - lastRuns) * 1000) / (now - last));
      cpuMarks.push(((runs - lastRuns) * 1000) / Math.max(1, cpuMs() - lastCpu));
      tenth++;
      // Heap after the first tenth (steady state) and at the end; the GC pause falls outside both measured tenths.
      if (tenth === 1) heapStart = heapAfterGc();
      if (tenth === 10) {
        heapEnd = heapAfterGc();
        resolve();
        return;
      }
      last = performance.now();
      lastCpu = cpuMs();
      lastRuns = runs;
      setTimeout(tick, tenthMs);
    };
    // A warm-up first (JIT, the first backoffs falling in step) that no tenth counts.
    setTimeout(() => {
      last = performance.now();
      lastCpu = cpuMs();
      lastRuns = runs;
      setTimeout(tick, tenthMs);
    }, WARMUP_MS);
  });
  chief.setLocker(() => done);
  const result = await chief.run();
  if (!result.graceful && result.failed.some((f) => f.reason !== 'crash')) throw new Error(`soak ${mode}: the stop was not clean`);
  return {
    mode,
    seconds,
    restarts: Math.max(0, runs - WORKERS),
    firstTenthPerSec: marks[0],
    lastTenthPerSec: marks[9],
    firstTenthPerCpuSec: cpuMarks[0],
    lastTenthPerCpuSec: cpuMarks[9],
    heapStart,
    heapEnd,
    events,
    source,
  };
}

function inChild(mode: SoakMode, seconds: number, source: 'dist' | 'src'): Promise<SoakSample> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', mode, String(seconds), ...(source === 'src' ? ['--src'] : [])], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`soak child ${mode} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SoakSample);
      } catch (error) {
        reject(error);
      }
    });
  });
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export function renderSoakMarkdown(samples: SoakSample[]): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    '## Soak: restarting for ever (issue 7)',
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}, ${process.platform}/${process.arch}; ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end. ${WORKERS} workers whose \`run\` throws at once, ` +
      `backoff ${BACKOFF_MS} ms, ${samples[0]?.seconds ?? 0} s per mode after a ${WARMUP_MS / 1000} s warm-up, each in a fresh process; uwe from \`${samples[0]?.source ?? 'dist'}\`. ` +
      'Heap: heapUsed after two full GCs at the end of the first tenth and at the end.',
    '',
    '| mode | restarts | first tenth (/s) | last tenth (/s) | last / first | per CPU s, first / last | last / first (CPU) | heap start | heap end | growth | |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of samples) {
    const ratio = s.lastTenthPerSec / s.firstTenthPerSec;
    const cpuRatio = s.lastTenthPerCpuSec / s.firstTenthPerCpuSec;
    const growth = s.heapEnd - s.heapStart;
    const ok = ratio >= SOAK_TARGETS.minRateRatio && growth < SOAK_TARGETS.maxHeapGrowthBytes;
    const okCpu = cpuRatio >= SOAK_TARGETS.minRateRatio && growth < SOAK_TARGETS.maxHeapGrowthBytes;
    const verdict = ok ? 'meets the targets' : okCpu ? 'meets them per CPU second (wall clock: load)' : '**misses a target**';
    lines.push(
      `| ${s.mode} | ${s.restarts.toLocaleString('en-US')} | ${s.firstTenthPerSec.toFixed(0)} | ${s.lastTenthPerSec.toFixed(0)} | ` +
        `${ratio.toFixed(2)} | ${s.firstTenthPerCpuSec.toFixed(0)} / ${s.lastTenthPerCpuSec.toFixed(0)} | ${cpuRatio.toFixed(2)} | ` +
        `${mib(s.heapStart)} | ${mib(s.heapEnd)} | ${mib(growth)} | ${verdict} |`,
    );
  }
  lines.push('', `Targets: last / first >= ${SOAK_TARGETS.minRateRatio}, heap growth < ${mib(SOAK_TARGETS.maxHeapGrowthBytes)}.`);
  return lines.join('\n');
}

/** Every mode, one after the other, as markdown. */
export async function runSoakBench(options: SoakOptions = {}): Promise<string> {
  const seconds = options.seconds ?? (options.short ? 5 : 30);
  const samples: SoakSample[] = [];
  for (const mode of SOAK_MODES) {
    process.stderr.write(`soak ${mode}: ${seconds} s\n`);
    samples.push(await inChild(mode, seconds, options.source ?? 'dist'));
  }
  return renderSoakMarkdown(samples);
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--seconds N` or `--short` (5 s), also through `SOAK_SECONDS`. */
export function soakOptionsFrom(args: string[]): SoakOptions {
  const given = argValue(args, '--soak-seconds') ?? argValue(args, '--seconds') ?? process.env.SOAK_SECONDS;
  return {
    ...(given ? { seconds: Number(given) } : {}),
    short: args.includes('--short'),
    source: args.includes('--src') ? 'src' : 'dist',
  };
}

async function main(args: string[]): Promise<void> {
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    const mode = args[childAt + 1] as SoakMode;
    const seconds = Number(args[childAt + 2]);
    if (!SOAK_MODES.includes(mode) || !(seconds > 0)) throw new Error(`usage: --child <${SOAK_MODES.join('|')}> <seconds>`);
    const sample = await soakInThisProcess(mode, seconds, args.includes('--src') ? 'src' : 'dist');
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    process.exit(0);
  }
  process.stdout.write(`${await runSoakBench(soakOptionsFrom(args))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
