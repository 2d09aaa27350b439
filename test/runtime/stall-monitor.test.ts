import { describe, expect, it, vi } from 'vitest';
import { Chief, renderMetrics, type ChiefEvent } from 'uwe';

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // A worker that blocks the event loop.
  }
}

async function runWith(options: ConstructorParameters<typeof Chief>[0], blockMs: number) {
  const chief = new Chief({ exitProcess: false, ...options });
  const events: ChiefEvent[] = [];
  chief.setEventHandler((e) => {
    events.push(e);
  });
  chief.addWorker('steady', { run: (ctx) => ctx.done });
  let block!: () => void;
  const blocked = new Promise<void>((resolve) => (block = resolve));
  chief.addWorker('hog', {
    async run(ctx) {
      await blocked;
      busy(blockMs);
      await ctx.done;
    },
  });
  let release!: () => void;
  chief.setLocker(() => new Promise<void>((r) => (release = r)));
  const running = chief.run();
  await vi.waitFor(() => expect(chief.healthSource().getPhase()).toBe('running'));
  return { chief, events, block, stop: async () => (release(), running) };
}

describe('event-loop stall detection', () => {
  it('a 1.2 s busy loop in a worker yields one chief.stalled event naming the workers in Run', async () => {
    const { chief, events, block, stop } = await runWith({ stallThresholdMs: 500 }, 1_200);
    block();
    await vi.waitFor(() => expect(events.some((e) => e.type === 'chief.stalled')).toBe(true), { timeout: 5_000 });
    // A little more time to be sure no second event follows for the same block.
    await new Promise((r) => setTimeout(r, 200));
    const stalls = events.filter((e) => e.type === 'chief.stalled');
    expect(stalls).toHaveLength(1);
    expect(stalls[0].level).toBe('warn');
    expect(stalls[0].fields.durationMs as number).toBeGreaterThanOrEqual(1_000);
    expect(stalls[0].fields.running).toEqual(['steady', 'hog']);
    const metrics = renderMetrics(chief.healthSource());
    const max = Number(/uwe_event_loop_delay_max_seconds ([\d.e-]+)/.exec(metrics)?.[1]);
    expect(max).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/uwe_event_loop_delay_seconds\{quantile="0.99"\}/);
    await stop();
  });

  it('short delays under the threshold are not reported, and stallThresholdMs: 0 turns the watch off', async () => {
    const quiet = await runWith({ stallThresholdMs: 500 }, 100);
    quiet.block();
    await new Promise((r) => setTimeout(r, 300));
    expect(quiet.events.some((e) => e.type === 'chief.stalled')).toBe(false);
    await quiet.stop();

    const off = await runWith({ stallThresholdMs: 0 }, 700);
    off.block();
    await new Promise((r) => setTimeout(r, 300));
    expect(off.events.some((e) => e.type === 'chief.stalled')).toBe(false);
    expect(renderMetrics(off.chief.healthSource())).not.toMatch(/uwe_event_loop_delay_seconds/);
    await off.stop();
  });

  it('refuses a negative threshold with a typed error', () => {
    expect(() => new Chief({ stallThresholdMs: -1 })).toThrow(/stallThresholdMs must be a number >= 0/);
  });
});
