/*
 * Service socket benchmark (issue 4, "Benchmark"): with 1,000 workers in `Run`, 8 clients at
 * once, each opening a new connection per request, ask `ping` and `status` for a few seconds
 * per scenario (in alternating half-second slices of both servers), from
 *
 *   ours   a ServiceSocketServer (status kept serialised, renewed on change);
 *   bare   a bare node:net server answering the same bytes, serialising status per request.
 *
 * Each server runs in its own child process (this file with `--serve <kind> <path>`); the
 * client is this process, the same code for both, in the same run.
 *
 *   node --expose-gc --import tsx bench/socket.ts [--seconds 3] [--clients 8] [--workers 1000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceSocketServer } from '../src/adapters/socket/server.js';
import type { WorkerState } from '../src/machines/worker-state.js';
import type { HealthSource } from '../src/runtime/health-source.js';

/**
 * Issue 4's targets.
 *
 * @example
 * ```ts
 * const ok = sample.perSec >= SOCKET_TARGETS.minStatusPerSec;
 * ```
 */
export const SOCKET_TARGETS = {
  /** `status` requests/s (10x the Go original's ~900 with the same client). */
  minStatusPerSec: 9_000,
  /** `status` p99 latency. */
  maxStatusP99Ms: 5,
  /** `ping` requests/s of ours / bare. */
  minPingRatio: 0.8,
} as const;

/**
 * Options of {@link runSocketBench}.
 *
 * @example
 * ```ts
 * await runSocketBench({ durationMs: 1_000, clients: 4 });
 * ```
 */
export interface SocketBenchOptions {
  /** Measuring time per scenario. @default 3000 */
  durationMs?: number;
  /** Concurrent clients. @default 8 */
  clients?: number;
  /** Workers in `Run` reported by `status`. @default 1000 */
  workers?: number;
}

type ServerKind = 'ours' | 'bare';
type Action = 'ping' | 'status';

/**
 * One scenario's figures.
 *
 * @example
 * ```ts
 * console.log(`${sample.server} ${sample.action}: ${sample.perSec} req/s`);
 * ```
 */
export interface SocketSample {
  server: ServerKind;
  action: Action;
  requests: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the server process per request: what the server costs, whatever the client. */
  serverCpuMicrosPerRequest: number;
  replyBytes: number;
}

const APP = { name: 'bench', version: '1.0.0', build: 'bench', tag: 'bench' };
const REQUEST: Record<Action, string> = {
  ping: '{"ActionFunc":"ping","args":null}\n',
  status: '{"ActionFunc":"status","args":null}\n',
};
const WARMUP_MS = 300;
const SLICE_MS = 500;
const THIS_FILE = fileURLToPath(import.meta.url);

function workerStates(count: number): Record<string, WorkerState> {
  const states: Record<string, WorkerState> = {};
  const width = String(count - 1).length;
  for (let i = 0; i < count; i++) states[`w-${String(i).padStart(width, '0')}`] = 'Run';
  return states;
}

function fakeSource(count: number): HealthSource {
  const states = workerStates(count);
  return {
    getWorkersStates: () => ({ ...states }),
    getPhase: () => 'running',
    isLive: () => true,
    isReady: () => true,
    getCounters: () => ({}),
    onChange: () => () => {},
    report: () => {},
  };
}

/** The bare server: what a careful hand-written node:net server does, serialising per request. */
function bareServer(source: HealthSource): net.Server {
  return net.createServer((socket) => {
    let text = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end < 0) return;
      const request = JSON.parse(text.slice(0, end)) as { ActionFunc: string };
      if (request.ActionFunc === 'ping') socket.end('{"status":0,"data":"pong"}\n');
      else socket.end(`{"status":0,"data":${JSON.stringify({ app: APP, workers: source.getWorkersStates() })}}\n`);
    });
  });
}

async function serve(kind: ServerKind, path: string, workers: number): Promise<void> {
  const source = fakeSource(workers);
  if (kind === 'ours') {
    await new ServiceSocketServer({ app: APP, source, path }).listen();
  } else {
    const server = bareServer(source);
    await new Promise<void>((resolve) => server.listen(path, resolve));
  }
  process.send!('ready');
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    }
    if (message === 'stop') process.exit(0);
  });
}

async function startServer(kind: ServerKind, path: string, workers: number): Promise<ChildProcess> {
  const child = fork(THIS_FILE, ['--serve', kind, path, String(workers)], { stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return child;
}

/** CPU time (user + system, µs) the server process has used so far. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'cpuMicros' in message) {
        child.off('message', onMessage);
        resolve((message as { cpuMicros: number }).cpuMicros);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

/** One request on a new connection; resolves with the reply. */
function request(path: string, bytes: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(path, () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** The measuring client: like {@link request}, but only counts the reply, to stay out of the way. */
function timedRequest(path: string, bytes: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let received = 0;
    const socket = net.connect(path, () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('end', () => (received > 0 ? resolve(performance.now() - t0) : reject(new Error('empty reply'))));
    socket.on('error', reject);
  });
}

interface Load {
  latencies: number[];
  elapsedMs: number;
  serverCpuMicros: number;
}

async function load(path: string, action: Action, clients: number, durationMs: number, into: Load): Promise<void> {
  const bytes = REQUEST[action];
  const started = performance.now();
  const until = started + durationMs;
  const client = async () => {
    while (performance.now() < until) into.latencies.push(await timedRequest(path, bytes));
  };
  await Promise.all(Array.from({ length: clients }, client));
  into.elapsedMs += performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/**
 * Measures both servers on one action in alternating slices, so that both see the same
 * machine: on a shared machine the speed drifts over seconds, more than the difference measured.
 */
async function measurePair(
  paths: Record<ServerKind, string>,
  children: Record<ServerKind, ChildProcess>,
  action: Action,
  clients: number,
  durationMs: number,
): Promise<SocketSample[]> {
  const fresh = (): Load => ({ latencies: [], elapsedMs: 0, serverCpuMicros: 0 });
  const loads: Record<ServerKind, Load> = { ours: fresh(), bare: fresh() };
  const warmup = fresh();
  for (const server of ['ours', 'bare'] as const) await load(paths[server], action, clients, WARMUP_MS, warmup);
  const slices = Math.max(1, Math.round(durationMs / SLICE_MS));
  for (let slice = 0; slice < slices; slice++) {
    const order = slice % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
    for (const server of order) {
      (globalThis as { gc?: () => void }).gc?.();
      const cpuBefore = await serverCpu(children[server]);
      await load(paths[server], action, clients, durationMs / slices, loads[server]);
      loads[server].serverCpuMicros += (await serverCpu(children[server])) - cpuBefore;
    }
  }
  const samples: SocketSample[] = [];
  for (const server of ['ours', 'bare'] as const) {
    const { latencies, elapsedMs, serverCpuMicros } = loads[server];
    latencies.sort((a, b) => a - b);
    samples.push({
      server,
      action,
      requests: latencies.length,
      perSec: (latencies.length * 1000) / elapsedMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      serverCpuMicrosPerRequest: serverCpuMicros / latencies.length,
      replyBytes: (await request(paths[server], REQUEST[action])).length,
    });
  }
  return samples;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The samples as a markdown table with ratios to the bare server and the targets.
 *
 * @example
 * ```ts
 * process.stdout.write(renderSocketMarkdown(samples, { durationMs: 3_000, clients: 8, workers: 1_000 }));
 * ```
 */
export function renderSocketMarkdown(samples: SocketSample[], options: Required<SocketBenchOptions>): string {
  const find = (server: ServerKind, action: Action) => samples.find((s) => s.server === server && s.action === action)!;
  const lines = [
    `### Service socket: ${fmt(options.workers)} workers in Run, ${options.clients} concurrent clients, a new connection per request, ${fmt(options.durationMs / 1000, 1)} s per scenario`,
    '',
    '| action | server | reply bytes | req/s | p50 ms | p99 ms | req/s vs bare | server CPU µs/req | CPU vs bare |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const action of ['ping', 'status'] as const) {
    const bare = find('bare', action);
    for (const server of ['ours', 'bare'] as const) {
      const s = find(server, action);
      const label = server === 'ours' ? 'ServiceSocketServer' : 'bare node:net';
      lines.push(`| ${action} | ${label} | ${fmt(s.replyBytes)} | ${fmt(s.perSec)} | ${fmt(s.p50Ms, 2)} | ${fmt(s.p99Ms, 2)} | ${fmt(s.perSec / bare.perSec, 2)}x | ${fmt(s.serverCpuMicrosPerRequest, 1)} | ${fmt(s.serverCpuMicrosPerRequest / bare.serverCpuMicrosPerRequest, 2)}x |`);
    }
  }
  const status = find('ours', 'status');
  const pingRatio = find('ours', 'ping').perSec / find('bare', 'ping').perSec;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  lines.push(
    '',
    `Targets: status >= ${fmt(SOCKET_TARGETS.minStatusPerSec)} req/s: ${fmt(status.perSec)} (${mark(status.perSec >= SOCKET_TARGETS.minStatusPerSec)}); ` +
      `status p99 < ${SOCKET_TARGETS.maxStatusP99Ms} ms: ${fmt(status.p99Ms, 2)} (${mark(status.p99Ms < SOCKET_TARGETS.maxStatusP99Ms)}); ` +
      `ping >= ${SOCKET_TARGETS.minPingRatio}x bare: ${fmt(pingRatio, 2)}x (${mark(pingRatio >= SOCKET_TARGETS.minPingRatio)}).`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the service socket benchmark and returns its markdown.
 *
 * @example
 * ```ts
 * console.log(await runSocketBench({ durationMs: 1_000 }));
 * ```
 */
export async function runSocketBench(options: SocketBenchOptions = {}): Promise<string> {
  const resolved: Required<SocketBenchOptions> = {
    durationMs: options.durationMs ?? 3_000,
    clients: options.clients ?? 8,
    workers: options.workers ?? 1_000,
  };
  const dir = mkdtempSync('/tmp/uwe-bench-');
  const paths: Record<ServerKind, string> = { ours: join(dir, 'ours.socket'), bare: join(dir, 'bare.socket') };
  const children: ChildProcess[] = [];
  try {
    const servers = { ours: await startServer('ours', paths.ours, resolved.workers), bare: await startServer('bare', paths.bare, resolved.workers) };
    children.push(servers.ours, servers.bare);
    for (const action of ['ping', 'status'] as const) {
      const [ours, bare] = await Promise.all([request(paths.ours, REQUEST[action]), request(paths.bare, REQUEST[action])]);
      if (!ours.equals(bare)) throw new Error(`the servers answer ${action} with different bytes`);
    }
    const samples: SocketSample[] = [];
    for (const action of ['ping', 'status'] as const) {
      samples.push(...(await measurePair(paths, servers, action, resolved.clients, resolved.durationMs)));
    }
    return renderSocketMarkdown(samples, resolved);
  } finally {
    for (const child of children) child.send('stop');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : undefined;
}

if (process.argv[1] === THIS_FILE) {
  if (process.argv[2] === '--serve') {
    await serve(process.argv[3] as ServerKind, process.argv[4]!, Number(process.argv[5]));
  } else {
    const seconds = flag('--seconds');
    const options: SocketBenchOptions = {};
    if (seconds !== undefined) options.durationMs = seconds * 1000;
    const clients = flag('--clients');
    if (clients !== undefined) options.clients = clients;
    const workers = flag('--workers');
    if (workers !== undefined) options.workers = workers;
    process.stdout.write(await runSocketBench(options));
  }
}
