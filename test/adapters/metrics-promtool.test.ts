import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Chief, renderMetrics } from 'uwe';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

describe('/metrics as Prometheus reads it', () => {
  it.skipIf(!PROMTOOL)('promtool check metrics finds no problem: states, counters, mailboxes, event-loop delay', async () => {
    const chief = new Chief({ exitProcess: false });
    chief.addWorker('consumer', {
      async run(ctx) {
        for await (const message of ctx.mailbox.messages()) void message;
      },
    });
    chief.addWorker('producer', {
      async run(ctx) {
        ctx.mailbox.send('consumer', 'hello');
        await ctx.done;
      },
    });
    chief.addWorker('__proto__', { run: (ctx) => ctx.done });
    let release!: () => void;
    chief.setLocker(() => new Promise<void>((r) => (release = r)));
    const running = chief.run();
    await vi.waitFor(() => expect(chief.healthSource().getEventLoopDelay?.()?.count ?? 0).toBeGreaterThan(0), { timeout: 5_000 });
    const text = renderMetrics(chief.healthSource());
    expect(text).toMatch(/uwe_event_loop_delay_seconds_count \d+/);
    expect(text).toMatch(/uwe_mailbox_delivered_total\{worker="consumer"\}/);
    const check = spawnSync(PROMTOOL!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    release();
    await running;
  });
});
