import { describe, expect, it } from 'vitest';
import { InspectorModel } from 'uwe/adapters/inspector';
import { Chief, createEvent, type ChiefEvent } from 'uwe';
import { FakeHealthSource } from '../adapters/fake-source.js';

const state = (worker: string, s: string, reason?: string): ChiefEvent =>
  createEvent({ type: 'worker.state', level: 'info', worker, message: `worker state changed to ${s}`, fields: { state: s, ...(reason ? { reason } : {}) } });

describe('the inspector model', () => {
  it('folds a storm of events into one update per worker that changed, with the log capped and the rest counted', () => {
    const model = new InspectorModel(new FakeHealthSource());
    model.takeUpdate();
    for (let i = 0; i < 1_000; i++) {
      model.apply(state('storm', 'Failed', 'crash'));
      model.apply(createEvent({ type: 'worker.crashed', level: 'error', worker: 'storm', message: 'worker crashed', error: new Error(`boom ${i}`) }));
      model.apply(createEvent({ type: 'worker.backoff', level: 'warn', worker: 'storm', message: 'backoff', fields: { attempt: i + 1, delayMs: 50 } }));
      model.apply(createEvent({ type: 'worker.restarting', level: 'info', worker: 'storm', message: 'restarting', fields: { attempt: i + 1 } }));
      model.apply(state('storm', 'Run'));
    }
    const update = model.takeUpdate()!;
    expect(update.workers.map((w) => w.name)).toEqual(['storm']);
    const storm = update.workers[0]!;
    expect(storm).toMatchObject({ state: 'Run', restarts: 1_000, failures: 1_000, backoffUntil: undefined });
    expect(storm.lastFailure).toMatchObject({ type: 'crashed', reason: 'boom 999' });
    expect(storm.history.length).toBeLessThanOrEqual(30);
    expect(update.log).toHaveLength(200);
    expect(update.skipped).toBe(4_800);
    expect(model.takeUpdate()).toBeUndefined();
  });

  it('shows each mailbox by its counts, read when an update is taken; an update only when a count changed', async () => {
    const chief = new Chief({ exitProcess: false, stallThresholdMs: 0 });
    let release!: () => void;
    chief.setLocker(() => new Promise<void>((resolve) => (release = resolve)));
    let read = 0;
    chief.addWorker('reader', {
      async run(ctx) {
        for await (const _ of ctx.mailbox.messages()) read++;
      },
    });
    chief.addWorker('deaf', { run: (ctx) => ctx.done }, { mailboxCapacity: 2, mailboxOverflow: 'drop-oldest' });
    const running = chief.run();
    const model = new InspectorModel(chief.healthSource());
    while (chief.getWorkersStates().reader !== 'Run' || chief.getWorkersStates().deaf !== 'Run') await new Promise((r) => setTimeout(r, 5));
    model.takeUpdate();
    const bus = chief.mailbox();
    for (let i = 0; i < 3; i++) bus.send('reader', i);
    for (let i = 0; i < 5; i++) bus.send('deaf', i);
    while (read < 3) await new Promise((r) => setTimeout(r, 5));
    const update = model.takeUpdate()!;
    const byName = Object.fromEntries(update.workers.map((w) => [w.name, w.mailbox]));
    expect(byName.reader).toEqual({ depth: 0, delivered: 3, dropped: 0, rejected: 0 });
    expect(byName.deaf).toEqual({ depth: 2, delivered: 0, dropped: 3, rejected: 0 });
    expect(model.takeUpdate()).toBeUndefined(); // nothing changed since
    expect(model.snapshot().workers.find((w) => w.name === 'deaf')!.mailbox).toMatchObject({ depth: 2 });
    release();
    await running;
  });

  it('keeps a backoff countdown, the nested Chief phase and removals', () => {
    const model = new InspectorModel(new FakeHealthSource());
    model.apply(state('ingest', 'Run'));
    model.apply(createEvent({ type: 'chief.running', level: 'info', worker: 'ingest', message: 'chief running' }));
    model.apply(state('ingest/reader', 'Failed', 'crash'));
    const backoff = createEvent({ type: 'worker.backoff', level: 'warn', worker: 'ingest/reader', message: 'backoff', fields: { attempt: 2, delayMs: 400 } });
    model.apply(backoff);
    expect(model.worker('ingest')!.phase).toBe('running');
    expect(model.worker('ingest/reader')).toMatchObject({ detail: 'backoff', attempt: 2, backoffUntil: backoff.time + 400 });
    model.apply(createEvent({ type: 'worker.removed', level: 'info', worker: 'ingest/reader', message: 'removed' }));
    expect(model.worker('ingest/reader')).toBeUndefined();
    expect(model.takeUpdate()!.removed).toEqual(['ingest/reader']);
  });

  it('a snapshot of 1,000 workers is one message a page can take', () => {
    const model = new InspectorModel(new FakeHealthSource());
    for (let i = 0; i < 1_000; i++) model.apply(state(`w${i}`, 'Run'));
    const snapshot = model.snapshot();
    expect(snapshot.reset).toBe(true);
    expect(snapshot.workers).toHaveLength(1_000);
    expect(JSON.stringify(snapshot).length).toBeLessThan(400_000);
  });
});
