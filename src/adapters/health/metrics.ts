import type { HealthSource } from '../../runtime/health-source.js';
import { compareGoKeys } from '../socket/go-json.js';

/** The states counted by the `uwe_workers` gauge, always all present. */
const GAUGE_STATES = ['New', 'Initialized', 'Run', 'Stopped', 'Failed'] as const;

/**
 * The Content-Type of {@link renderMetrics}' output: Prometheus text exposition format 0.0.4.
 *
 * @example
 * ```ts
 * res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(renderMetrics(source));
 * ```
 */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Escapes a Prometheus label value: backslash, double quote and line feed.
 *
 * @example
 * ```ts
 * escapeLabelValue('a"b\\c'); // 'a\\"b\\\\c'
 * ```
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Counts of the workers' mailboxes (never their messages), for the mailboxes in use. */
function mailboxLines(source: HealthSource): string[] {
  const boxes = source.getMailboxCounters?.() ?? Object.create(null);
  const names = Object.keys(boxes).sort(compareGoKeys);
  if (names.length === 0) return [];
  const series = (metric: string, help: string, type: string, value: (n: string) => number) => [
    `# HELP ${metric} ${help}`,
    `# TYPE ${metric} ${type}`,
    ...names.map((n) => `${metric}{worker="${escapeLabelValue(n)}"} ${value(n)}`),
  ];
  return [
    ...series('uwe_mailbox_depth', 'Messages waiting in each worker mailbox.', 'gauge', (n) => boxes[n].depth),
    ...series('uwe_mailbox_delivered_total', 'Messages handed to each worker.', 'counter', (n) => boxes[n].delivered),
    ...series('uwe_mailbox_dropped_total', 'Messages lost by each worker mailbox (overflow, or sent after it stopped).', 'counter', (n) => boxes[n].dropped),
    ...series('uwe_mailbox_rejected_total', 'Sends refused by each full mailbox with the reject policy.', 'counter', (n) => boxes[n].rejected),
  ];
}

const seconds = (ms: number) => String(Math.round(ms * 1e3) / 1e6);

/**
 * The source's metrics in Prometheus text format: `uwe_workers{state}` (a gauge of workers per
 * state, every state listed even at 0), and the counters `uwe_worker_restarts_total{worker}`
 * and `uwe_worker_failures_total{worker}`, workers sorted by name; for the mailboxes in use,
 * `uwe_mailbox_depth`, `uwe_mailbox_delivered_total`, `uwe_mailbox_dropped_total` and
 * `uwe_mailbox_rejected_total` per worker; and, when the Chief watches its event loop,
 * the summary `uwe_event_loop_delay_seconds` (p50, p99) and
 * `uwe_event_loop_delay_max_seconds`.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => res.end(renderMetrics(chief.healthSource())));
 * // # TYPE uwe_workers gauge
 * // uwe_workers{state="Run"} 3 ...
 * ```
 */
export function renderMetrics(source: HealthSource): string {
  const states = source.getWorkersStates();
  const counters = source.getCounters();
  const perState = new Map<string, number>(GAUGE_STATES.map((state) => [state, 0]));
  for (const state of Object.values(states)) {
    const count = perState.get(state);
    if (count !== undefined) perState.set(state, count + 1);
  }
  const workers = [...new Set([...Object.keys(states), ...Object.keys(counters)])].sort(compareGoKeys);
  const lines = [
    '# HELP uwe_workers Number of workers in each state.',
    '# TYPE uwe_workers gauge',
    ...GAUGE_STATES.map((state) => `uwe_workers{state="${state}"} ${perState.get(state)}`),
    '# HELP uwe_worker_restarts_total Restarts of each worker since the chief started.',
    '# TYPE uwe_worker_restarts_total counter',
    ...workers.map((w) => `uwe_worker_restarts_total{worker="${escapeLabelValue(w)}"} ${counters[w]?.restarts ?? 0}`),
    '# HELP uwe_worker_failures_total Failures of each worker since the chief started.',
    '# TYPE uwe_worker_failures_total counter',
    ...workers.map((w) => `uwe_worker_failures_total{worker="${escapeLabelValue(w)}"} ${counters[w]?.failures ?? 0}`),
    ...mailboxLines(source),
  ];
  const delay = source.getEventLoopDelay?.();
  if (delay) {
    lines.push(
      '# HELP uwe_event_loop_delay_seconds Event loop delay since the chief started.',
      '# TYPE uwe_event_loop_delay_seconds summary',
      `uwe_event_loop_delay_seconds{quantile="0.5"} ${seconds(delay.p50Ms)}`,
      `uwe_event_loop_delay_seconds{quantile="0.99"} ${seconds(delay.p99Ms)}`,
      `uwe_event_loop_delay_seconds_sum ${seconds(delay.meanMs * delay.count)}`,
      `uwe_event_loop_delay_seconds_count ${delay.count}`,
      '# HELP uwe_event_loop_delay_max_seconds Longest event loop delay since the chief started.',
      '# TYPE uwe_event_loop_delay_max_seconds gauge',
      `uwe_event_loop_delay_max_seconds ${seconds(delay.maxMs)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
