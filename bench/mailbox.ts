/*
 * Mailbox benchmark (issue 11): 1,000,000 messages from one worker to another, read with
 * `for await` on `ctx.mailbox.messages()` (and with `batches()`), beside three designs measured
 * in the same run: raw XState routing (child -> sendParent -> parent -> sendTo), a plain
 * EventEmitter route, and a bare bounded ring buffer read by the same kind of iterator (the
 * floor). Also 100 senders -> 1 receiver, 1 sender broadcasting to 100, and the heap of an idle
 * mailbox at 10,000 workers. Every sample runs in a fresh child process.
 *
 *   node --expose-gc --import tsx bench/mailbox.ts [--repeats 3] [--uwe <path of a build's index.js>]
 *   node --expose-gc --import tsx bench/mailbox.ts --child <design>     # one sample, as JSON
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BareRing } from './baselines/ring.js';
import { xstateRoute } from './baselines/xstate-route.js';
import { loadUwe, type UweSource } from './lifecycle.js';
import { heapAfterGc } from './heap.js';

const N = 1_000_000;
const FAN = 100;
const HEAP_WORKERS = 10_000;
const CAPACITY = 1_024;

export const MAILBOX_TARGETS = { minRatioToRing: 0.7, minForAwait: 5_000_000, minBatches: 15_000_000, maxIdleHeap: 512 } as const;

const DESIGNS = ['uwe', 'uwe-batches', 'ring', 'emitter', 'xstate', 'fan-in', 'broadcast', 'heap-idle', 'heap-base'] as const;
type Design = (typeof DESIGNS)[number];

interface Sample {
  design: Design;
  messages: number;
  ms: number;
  /** CPU time of the process over the same span: moves less than wall time on a shared machine. */
  cpuMs: number;
  received: number;
  reordered: number;
  /** heap only: bytes per worker at all-Run after full GCs, minus before. */
  heapPerWorker?: number;
}

const LABELS: Record<Design, string> = {
  uwe: 'uwe `for await` on `messages()`',
  'uwe-batches': 'uwe `for await` on `batches()`',
  ring: 'bare bounded ring + iterator (floor)',
  emitter: 'EventEmitter route',
  xstate: 'raw XState routing (child -> parent -> sendTo)',
  'fan-in': `uwe: ${FAN} senders -> 1 receiver`,
  broadcast: `uwe: 1 sender broadcasting to ${FAN}`,
  'heap-idle': 'heap: idle worker in `for await` on `messages()`',
  'heap-base': 'heap: idle worker awaiting `ctx.done`',
};

type Uwe = Awaited<ReturnType<typeof loadUwe>>['uwe'];

/** Wall and CPU time (user + system, all threads) now, in ms. */
function now(): { wall: number; cpu: number } {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1_000 };
}

function since(t0: { wall: number; cpu: number }): { ms: number; cpuMs: number } {
  const t1 = now();
  return { ms: t1.wall - t0.wall, cpuMs: t1.cpu - t0.cpu };
}

/** A Chief with the given workers, stopped by the returned function; `run()` is under way. */
function runChief(uwe: Uwe, setup: (chief: InstanceType<Uwe['Chief']>) => void): { stop: () => Promise<void> } {
  const chief = new uwe.Chief();
  let unlock!: () => void;
  const lock = new Promise<void>((r) => (unlock = r));
  chief.setLocker(() => lock);
  setup(chief);
  const running = chief.run();
  return {
    stop: async () => {
      unlock();
      const result = await running;
      if (!result.graceful) throw new Error(`chief did not stop gracefully: ${JSON.stringify(result)}`);
    },
  };
}

/** One worker sends N messages to another, waiting for room whenever the receiver's mailbox is full. */
async function uwePair(uwe: Uwe, batches: boolean, N: number): Promise<Sample> {
  let t0 = now();
  let received = 0;
  let reordered = 0;
  let finished!: (span: { ms: number; cpuMs: number }) => void;
  const done = new Promise<{ ms: number; cpuMs: number }>((r) => (finished = r));
  const chief = runChief(uwe, (c) => {
    c.addWorker(
      'receiver',
      {
        async run(ctx) {
          let expected = 0;
          if (batches) {
            for await (const batch of ctx.mailbox.batches<number>()) {
              for (const m of batch) if (m.data !== expected++) reordered++;
              received += batch.length;
              if (received === N) break;
            }
          } else {
            for await (const m of ctx.mailbox.messages<number>()) {
              if (m.data !== expected++) reordered++;
              if (++received === N) break;
            }
          }
          finished(since(t0));
          await ctx.done;
        },
      },
      { mailboxCapacity: CAPACITY, mailboxOverflow: 'reject' },
    );
    c.addWorker('sender', {
      async run(ctx) {
        await new Promise((r) => setTimeout(r, 20)); // the receiver is reading
        const mailbox = ctx.mailbox;
        t0 = now();
        for (let i = 0; i < N; i++) while (!mailbox.send('receiver', i)) await mailbox.whenWritable('receiver');
        await ctx.done;
      },
    });
  });
  const { ms, cpuMs } = await done;
  await chief.stop();
  return { design: batches ? 'uwe-batches' : 'uwe', messages: N, ms, cpuMs, received, reordered };
}

async function ring(N: number): Promise<Sample> {
  const box = new BareRing<number>(CAPACITY);
  let received = 0;
  let reordered = 0;
  const reader = (async () => {
    let expected = 0;
    for await (const n of box) {
      if (n !== expected++) reordered++;
      if (++received === N) break;
    }
  })();
  const t0 = now();
  for (let i = 0; i < N; i++) while (!box.push(i)) await box.writable();
  await reader;
  return { design: 'ring', messages: N, ...since(t0), received, reordered };
}

async function emitter(N: number): Promise<Sample> {
  // A router emitter dispatches by target name to the target's own emitter.
  const router = new EventEmitter();
  const targets = new Map<string, EventEmitter>([['receiver', new EventEmitter()]]);
  router.on('message', (target: string, sender: string, data: number) => targets.get(target)?.emit('message', sender, data));
  let received = 0;
  let reordered = 0;
  let expected = 0;
  targets.get('receiver')!.on('message', (_sender: string, data: number) => {
    if (data !== expected++) reordered++;
    received++;
  });
  const t0 = now();
  for (let i = 0; i < N; i++) router.emit('message', 'receiver', 'sender', i);
  return { design: 'emitter', messages: N, ...since(t0), received, reordered };
}

async function xstate(N: number): Promise<Sample> {
  const t0 = now();
  const { bad, received } = await xstateRoute(N);
  return { design: 'xstate', messages: N, ...since(t0), received, reordered: bad };
}

async function fanIn(uwe: Uwe, N: number): Promise<Sample> {
  const per = N / FAN;
  let t0 = now();
  let received = 0;
  let reordered = 0;
  let finished!: (span: { ms: number; cpuMs: number }) => void;
  const done = new Promise<{ ms: number; cpuMs: number }>((r) => (finished = r));
  let go!: () => void;
  const start = new Promise<void>((r) => (go = r));
  const chief = runChief(uwe, (c) => {
    c.addWorker(
      'receiver',
      {
        async run(ctx) {
          const next = new Map<string, number>();
          setTimeout(() => {
            t0 = now();
            go();
          }, 20);
          for await (const m of ctx.mailbox.messages<number>()) {
            const expected = next.get(m.sender) ?? 0;
            if (m.data !== expected) reordered++;
            next.set(m.sender, expected + 1);
            if (++received === N) break;
          }
          finished(since(t0));
          await ctx.done;
        },
      },
      { mailboxCapacity: CAPACITY, mailboxOverflow: 'reject' },
    );
    for (let s = 0; s < FAN; s++) {
      c.addWorker(`sender-${s}`, {
        async run(ctx) {
          await start;
          const mailbox = ctx.mailbox;
          for (let i = 0; i < per; i++) while (!mailbox.send('receiver', i)) await mailbox.whenWritable('receiver');
          await ctx.done;
        },
      });
    }
  });
  const { ms, cpuMs } = await done;
  await chief.stop();
  return { design: 'fan-in', messages: N, ms, cpuMs, received, reordered };
}

async function broadcast(uwe: Uwe, N: number): Promise<Sample> {
  const rounds = N / FAN;
  let t0 = now();
  let received = 0;
  let reordered = 0;
  let left = FAN;
  let finished!: (span: { ms: number; cpuMs: number }) => void;
  const done = new Promise<{ ms: number; cpuMs: number }>((r) => (finished = r));
  const chief = runChief(uwe, (c) => {
    for (let r = 0; r < FAN; r++) {
      c.addWorker(
        `receiver-${r}`,
        {
          async run(ctx) {
            let expected = 0;
            for await (const m of ctx.mailbox.messages<number>()) {
              if (m.data !== expected++) reordered++;
              received++;
              if (expected === rounds) break;
            }
            if (--left === 0) finished(since(t0));
            await ctx.done;
          },
        },
        // Room for every round: a broadcast cannot wait for 100 mailboxes at once.
        { mailboxCapacity: rounds, mailboxOverflow: 'reject' },
      );
    }
    c.addWorker('sender', {
      async run(ctx) {
        await new Promise((r) => setTimeout(r, 20));
        t0 = now();
        for (let i = 0; i < rounds; i++) {
          const taken = ctx.mailbox.broadcast(i);
          if (taken !== FAN) throw new Error(`broadcast reached ${taken}`);
          if ((i & 1023) === 1023) await new Promise<void>((r) => setImmediate(r));
        }
        await ctx.done;
      },
    });
  });
  const { ms, cpuMs } = await done;
  await chief.stop();
  return { design: 'broadcast', messages: N, ms, cpuMs, received, reordered };
}

/** Heap per worker of 10,000 idle workers: in `for await` on messages(), or awaiting ctx.done. */
async function heap(uwe: Uwe, idle: boolean): Promise<Sample> {
  const before = heapAfterGc();
  let up = 0;
  let allUp!: () => void;
  const ready = new Promise<void>((r) => (allUp = r));
  const chief = runChief(uwe, (c) => {
    for (let i = 0; i < HEAP_WORKERS; i++) {
      c.addWorker(`w${i}`, {
        async run(ctx) {
          if (++up === HEAP_WORKERS) setTimeout(allUp, 50);
          if (idle) for await (const _ of ctx.mailbox.messages()) void _;
          else await ctx.done;
        },
      });
    }
  });
  await ready;
  const at = heapAfterGc();
  await chief.stop();
  return { design: idle ? 'heap-idle' : 'heap-base', messages: 0, ms: 0, cpuMs: 0, received: 0, reordered: 0, heapPerWorker: (at - before) / HEAP_WORKERS };
}

/** One sample of a design with `n` messages. */
async function sample(uwe: Uwe, design: Design, n: number): Promise<Sample> {
  switch (design) {
    case 'uwe':
      return uwePair(uwe, false, n);
    case 'uwe-batches':
      return uwePair(uwe, true, n);
    case 'ring':
      return ring(n);
    case 'emitter':
      return emitter(n);
    case 'xstate':
      return xstate(n / 10);
    case 'fan-in':
      return fanIn(uwe, n);
    case 'broadcast':
      return broadcast(uwe, n);
    case 'heap-idle':
      return heap(uwe, true);
    case 'heap-base':
      return heap(uwe, false);
  }
}

/**
 * Rounds of the full message count run before the measured ones. One short round left the JIT
 * still tiering up: the first three rounds of a process ran up to 2x slower than the rounds
 * after them, for every design alike, so a single cold round measured the compiler, not the design.
 */
const WARM_ROUNDS = 3;
/** Measured rounds per process; the sample is the median round, with the worst loss and all reorders of every round. */
const MEASURED_ROUNDS = 5;

/** In a child process: {@link WARM_ROUNDS} warm-up rounds, then {@link MEASURED_ROUNDS} measured ones (one for the heap). */
async function measure(design: Design, source: UweSource): Promise<Sample> {
  const { uwe } = await loadUwe(source);
  if (design.startsWith('heap')) return sample(uwe, design, N);
  for (let r = 0; r < WARM_ROUNDS; r++) await sample(uwe, design, N);
  const rounds: Sample[] = [];
  for (let r = 0; r < MEASURED_ROUNDS; r++) rounds.push(await sample(uwe, design, N));
  rounds.sort((a, b) => a.ms - b.ms);
  return {
    ...rounds[rounds.length >> 1]!,
    received: Math.min(...rounds.map((s) => s.received)),
    reordered: rounds.reduce((sum, s) => sum + s.reordered, 0),
  };
}

function inChild(design: Design, source: UweSource): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const args = ['--child', design, ...(source === 'dist' ? [] : ['--uwe', source])];
    const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`${design}: child exited with ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Sample);
      } catch (error) {
        reject(error);
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (s: Sample) => (s.received / s.ms) * 1_000;
const cpuRate = (s: Sample) => (s.received / s.cpuMs) * 1_000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export interface MailboxBenchOptions {
  repeats?: number;
  source?: UweSource;
  log?: (line: string) => void;
}

/** Runs every design `repeats` times, interleaved, each in a fresh process; returns the markdown section. */
export async function runMailboxBench(options: MailboxBenchOptions = {}): Promise<string> {
  const repeats = options.repeats ?? 3;
  const source = options.source ?? 'dist';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const samples = new Map<Design, Sample[]>(DESIGNS.map((d) => [d, []]));
  for (let r = 0; r < repeats; r++) {
    for (const design of DESIGNS) {
      const s = await inChild(design, source);
      samples.get(design)!.push(s);
      log(`mailbox ${design} #${r + 1}: ${s.heapPerWorker !== undefined ? `${s.heapPerWorker.toFixed(0)} B/worker` : `${fmt(rate(s))} msg/s, lost ${s.messages - s.received}, reordered ${s.reordered}`}`);
    }
  }
  const rateOf = (d: Design) => median(samples.get(d)!.map(rate));
  const cpuRateOf = (d: Design) => median(samples.get(d)!.map(cpuRate));
  const ringRate = rateOf('ring');
  const ringCpuRate = cpuRateOf('ring');
  const rows = (['uwe', 'uwe-batches', 'ring', 'emitter', 'xstate', 'fan-in', 'broadcast'] as const).map((d) => {
    const ss = samples.get(d)!;
    const rates = ss.map(rate);
    const lost = Math.max(...ss.map((s) => s.messages - s.received));
    const reordered = Math.max(...ss.map((s) => s.reordered));
    const inOrder = ss.reduce((a, s) => a + s.received - s.reordered, 0) / ss.reduce((a, s) => a + s.received, 0);
    const cpu = cpuRateOf(d);
    return `| ${LABELS[d]} | ${fmt(ss[0].messages)} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) | ${(median(rates) / ringRate).toFixed(2)}x | ${fmt(cpu)} (${(cpu / ringCpuRate).toFixed(2)}x) | ${(inOrder * 100).toFixed(2)}% | ${lost} | ${reordered} |`;
  });
  const idle = median(samples.get('heap-idle')!.map((s) => s.heapPerWorker!));
  const base = median(samples.get('heap-base')!.map((s) => s.heapPerWorker!));
  const forAwait = rateOf('uwe');
  const batches = rateOf('uwe-batches');
  const cpuNote = `CPU: ${(cpuRateOf('uwe') / ringCpuRate).toFixed(2)}x, ${fmt(cpuRateOf('uwe'))}/s`;
  const allLost = (['uwe', 'uwe-batches', 'fan-in', 'broadcast'] as const).flatMap((d) => samples.get(d)!).some((s) => s.received !== s.messages || s.reordered > 0);
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const [l1, l5, l15] = loadavg().map((x) => x.toFixed(1));
  return [
    '## Mailbox benchmark (issue 11)',
    '',
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}; load average ${l1} / ${l5} / ${l15} at the end. Median of ${repeats} samples (min–max), each in a fresh process; uwe measured from \`${source}\`. Capacity ${fmt(CAPACITY)} with \`mailboxOverflow: 'reject'\`: a sender that gets false awaits \`whenWritable(target)\` and sends again (for the broadcast, each receiver holds every round). Rate = messages received / time from the first send to the last message read.`,
    '',
    '| design | messages | msgs/s | vs bare ring | msgs per CPU-s (vs ring) | in order | lost | reordered |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Heap at ${fmt(HEAP_WORKERS)} workers, per worker (heapUsed after full GCs at all-Run minus before): awaiting \`ctx.done\` ${base.toFixed(0)} B; in \`for await\` on an empty \`messages()\` ${idle.toFixed(0)} B: **${(idle - base).toFixed(0)} B per idle mailbox** beyond the worker.`,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    `| \`for await\` ≥ ${MAILBOX_TARGETS.minRatioToRing}x the bare ring | ${(forAwait / ringRate).toFixed(2)}x (${cpuNote}) | ${met(forAwait / ringRate >= MAILBOX_TARGETS.minRatioToRing)} |`,
    `| \`for await\` ≥ ${fmt(MAILBOX_TARGETS.minForAwait)} msgs/s | ${fmt(forAwait)} | ${met(forAwait >= MAILBOX_TARGETS.minForAwait)} |`,
    `| \`batches()\` ≥ ${fmt(MAILBOX_TARGETS.minBatches)} msgs/s | ${fmt(batches)} (CPU: ${fmt(cpuRateOf('uwe-batches'))}/s) | ${met(batches >= MAILBOX_TARGETS.minBatches)} |`,
    `| 0 lost, 0 reordered (uwe rows) | ${allLost ? 'some' : '0 / 0'} | ${met(!allLost)} |`,
    `| heap per idle mailbox ≤ ${MAILBOX_TARGETS.maxIdleHeap} B | ${(idle - base).toFixed(0)} B | ${met(idle - base <= MAILBOX_TARGETS.maxIdleHeap)} |`,
  ].join('\n');
}

async function main(args: string[]): Promise<void> {
  const at = (flag: string) => (args.indexOf(flag) >= 0 ? args[args.indexOf(flag) + 1] : undefined);
  const source = (at('--uwe') ?? 'dist') as UweSource;
  const child = at('--child');
  if (child) {
    const sample = await measure(child as Design, source);
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    return;
  }
  process.stdout.write(`${await runMailboxBench({ repeats: Number(at('--repeats') ?? 3), source })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
