import { describe, expect, it } from 'vitest';
import { escapeLabelValue, renderMetrics } from '../../src/adapters/health/metrics.js';
import { FakeHealthSource } from './fake-source.js';

describe('renderMetrics', () => {
  it('writes Prometheus text: all five states, counters per worker sorted, HELP and TYPE lines', () => {
    const source = new FakeHealthSource({ web: 'Run', cron: 'Failed', db: 'Run' });
    source.counters = { web: { restarts: 2, failures: 3 }, cron: { restarts: 0, failures: 1 } };
    expect(renderMetrics(source)).toBe(
      [
        '# HELP uwe_workers Number of workers in each state.',
        '# TYPE uwe_workers gauge',
        'uwe_workers{state="New"} 0',
        'uwe_workers{state="Initialized"} 0',
        'uwe_workers{state="Run"} 2',
        'uwe_workers{state="Stopped"} 0',
        'uwe_workers{state="Failed"} 1',
        '# HELP uwe_worker_restarts_total Restarts of each worker since the chief started.',
        '# TYPE uwe_worker_restarts_total counter',
        'uwe_worker_restarts_total{worker="cron"} 0',
        'uwe_worker_restarts_total{worker="db"} 0',
        'uwe_worker_restarts_total{worker="web"} 2',
        '# HELP uwe_worker_failures_total Failures of each worker since the chief started.',
        '# TYPE uwe_worker_failures_total counter',
        'uwe_worker_failures_total{worker="cron"} 1',
        'uwe_worker_failures_total{worker="db"} 0',
        'uwe_worker_failures_total{worker="web"} 3',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const source = new FakeHealthSource({ 'say "hi"\n': 'Run' });
    expect(renderMetrics(source)).toContain('uwe_worker_restarts_total{worker="say \\"hi\\"\\n"} 0');
  });

  it('keeps every line in the exposition grammar', () => {
    const source = new FakeHealthSource({ a: 'New', 'b/c': 'Stopped' });
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*\})? -?\d+(\.\d+)?$/;
    for (const line of renderMetrics(source).trimEnd().split('\n')) {
      if (line.startsWith('# ')) expect(line).toMatch(/^# (HELP|TYPE) [a-z_]+ .+$/);
      else expect(line).toMatch(sample);
    }
  });
});
