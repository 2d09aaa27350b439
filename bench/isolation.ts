/*
 * Isolation benchmark (issue 12): the cost of a thread worker beside an in-process worker.
 * N workers whose run awaits the stop signal, started until all are `Run`, then stopped until
 * `run()` resolves, each design in a fresh child process; RSS growth at all-`Run` per worker.
 *
 * Then a message round (the per-message overhead of the thread's bridged mailbox): an in-process
 * worker sends M messages to an echo worker reading `messages()` and sending each back, with
 * backpressure both ways (`whenWritable`); the echo is a thread worker, then an in-process one.
 *
 *   node --import tsx bench/isolation.ts [--n 16] [--repeats 3] [--messages 200000]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Design = 'in-process' | 'thread';
interface Sample {
  design: Design;
  n: number;
  upMs: number;
  downMs: number;
  rssPerWorkerMiB: number;
}

async function measure(design: Design, n: number): Promise<Sample> {
  const { Chief } = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('../src/index.js');
  const { threadWorker } = (await import(new URL('../dist/presets/thread.js', import.meta.url).href)) as typeof import('../src/adapters/presets/thread/index.js');
  const chief = new Chief({ exitProcess: false, stallThresholdMs: 0 });
  const module = new URL('./fixtures/idle-thread.mjs', import.meta.url);
  for (let i = 0; i < n; i++) {
    chief.addWorker(`w${i}`, design === 'thread' ? threadWorker(module) : { run: (ctx) => ctx.done });
  }
  let release!: () => void;
  chief.setLocker(() => new Promise<void>((r) => (release = r)));
  let running = 0;
  let allRun!: () => void;
  const up = new Promise<void>((r) => (allRun = r));
  chief.setEventHandler((event) => {
    if (event.type === 'worker.state' && event.fields.state === 'Run' && ++running === n) allRun();
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = chief.run();
  await up;
  const upMs = performance.now() - started;
  const rss = process.memoryUsage().rss;
  const stopAt = performance.now();
  release();
  await result;
  return { design, n, upMs, downMs: performance.now() - stopAt, rssPerWorkerMiB: (rss - rssBefore) / n / 2 ** 20 };
}

interface RoundSample {
  design: Design;
  messages: number;
  ms: number;
}

/** M messages to the echo and M back, timed from the echo's first answer (a thread is up then). */
async function measureRound(design: Design, messages: number): Promise<RoundSample> {
  const { Chief } = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('../src/index.js');
  const { threadWorker } = (await import(new URL('../dist/presets/thread.js', import.meta.url).href)) as typeof import('../src/adapters/presets/thread/index.js');
  type Ctx = import('../src/index.js').WorkerContext;
  const chief = new Chief({ exitProcess: false, stallThresholdMs: 0 });
  const echo = {
    async run(ctx: Ctx) {
      for await (const message of ctx.mailbox.messages()) {
        if (message.isRequest) message.reply(true);
        else while (!ctx.mailbox.send(message.sender, message.data)) await ctx.mailbox.whenWritable(message.sender);
      }
    },
  };
  chief.addWorker('echo', design === 'thread' ? threadWorker(new URL('./fixtures/echo-thread.mjs', import.meta.url)) : echo);
  let finished!: (ms: number) => void;
  const timed = new Promise<number>((resolve) => (finished = resolve));
  chief.addWorker('driver', {
    async run(ctx: Ctx) {
      await ctx.mailbox.ask('echo', 'ready', { timeoutMs: 10_000 });
      const started = performance.now();
      let back = 0;
      const reading = (async () => {
        for await (const message of ctx.mailbox.batches()) {
          back += message.length;
          if (back >= messages) break;
        }
      })();
      for (let i = 0; i < messages; i++) while (!ctx.mailbox.send('echo', i)) await ctx.mailbox.whenWritable('echo');
      await reading;
      finished(performance.now() - started);
      await ctx.done;
    },
  });
  let release!: () => void;
  chief.setLocker(() => new Promise<void>((r) => (release = r)));
  const result = chief.run();
  const ms = await timed;
  release();
  await result;
  return { design, messages, ms };
}

function inChild(design: Design, n: number): Promise<Sample>;
function inChild(design: Design, n: number, round: true): Promise<RoundSample>;
function inChild(design: Design, n: number, round = false): Promise<Sample | RoundSample> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [round ? '--child-round' : '--child', design, String(n)], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.on('message', (sample: Sample | RoundSample) => resolve(sample));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${design} child exited with ${code}`))));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Markdown section with the medians and the thread / in-process ratios. */
export async function runIsolationBench(n = 16, repeats = 3, messages = 200_000): Promise<string> {
  const results: Record<Design, Sample[]> = { 'in-process': [], thread: [] };
  const rounds: Record<Design, number[]> = { 'in-process': [], thread: [] };
  for (let r = 0; r < repeats; r++) {
    for (const design of ['in-process', 'thread'] as const) results[design].push(await inChild(design, n));
    for (const design of ['in-process', 'thread'] as const) rounds[design].push((await inChild(design, messages, true)).ms);
  }
  const row = (design: Design) => {
    const s = results[design];
    return { up: median(s.map((x) => x.upMs)), down: median(s.map((x) => x.downMs)), rss: median(s.map((x) => x.rssPerWorkerMiB)) };
  };
  const local = row('in-process');
  const thread = row('thread');
  return [
    `## Isolation: thread workers beside in-process workers (${n} workers, median of ${repeats}, each in a fresh process)`,
    '',
    '| design | to all Run | to all Stopped | RSS per worker |',
    '|---|---|---|---|',
    `| in-process | ${local.up.toFixed(1)} ms | ${local.down.toFixed(1)} ms | ${local.rss.toFixed(2)} MiB |`,
    `| thread | ${thread.up.toFixed(1)} ms | ${thread.down.toFixed(1)} ms | ${thread.rss.toFixed(2)} MiB |`,
    `| thread / in-process | ${(thread.up / local.up).toFixed(1)}x | ${(thread.down / local.down).toFixed(1)}x | +${(thread.rss - local.rss).toFixed(2)} MiB per thread |`,
    '',
    `Message round: ${messages.toLocaleString('en-US')} messages from an in-process worker to an echo worker reading \`messages()\` and ${messages.toLocaleString('en-US')} back, backpressure both ways (median of ${repeats}, each in a fresh process):`,
    '',
    '| echo | round (ms) | messages/s (both ways) | per message |',
    '|---|---|---|---|',
    ...(['in-process', 'thread'] as const).map((design) => {
      const ms = median(rounds[design]);
      return `| ${design} | ${ms.toFixed(0)} | ${Math.round((2 * messages) / (ms / 1000)).toLocaleString('en-US')} | ${((ms * 1000) / (2 * messages)).toFixed(2)} µs |`;
    }),
    `| thread / in-process | ${(median(rounds.thread) / median(rounds['in-process'])).toFixed(1)}x the time | ${(median(rounds['in-process']) / median(rounds.thread)).toFixed(2)}x the rate | |`,
  ].join('\n');
}

const args = process.argv.slice(2);
if (args[0] === '--child-round') {
  measureRound(args[1] as Design, Number(args[2])).then(
    (sample) => process.send!(sample, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (args[0] === '--child') {
  measure(args[1] as Design, Number(args[2])).then(
    (sample) => process.send!(sample, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = args.includes('--n') ? Number(args[args.indexOf('--n') + 1]) : 16;
  const repeats = args.includes('--repeats') ? Number(args[args.indexOf('--repeats') + 1]) : 3;
  const messages = args.includes('--messages') ? Number(args[args.indexOf('--messages') + 1]) : 200_000;
  runIsolationBench(n, repeats, messages).then((md) => console.log(md));
}
