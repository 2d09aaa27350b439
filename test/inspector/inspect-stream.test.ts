import { createInspector, createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { Chief, Restart, type InspectionObserver, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

/** A worker that crashes on its first run and then runs until stopped. */
function crashOnce(): Worker {
  let runs = 0;
  return {
    async run(ctx) {
      if (++runs === 1) throw new Error('first run crashes');
      await ctx.done;
    },
  };
}

function topState(value: unknown): string {
  return typeof value === 'string' ? value : Object.keys(value as object)[0]!;
}

function treeChief(inspect: InspectionObserver) {
  const chief = new Chief({ inspect });
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  const nested = new Chief();
  nested.addWorker('reader', untilAborted);
  chief.addWorker('a', untilAborted);
  chief.addWorker('flaky', crashOnce(), { restart: Restart.OnFail, backoff: { initialMs: 5, maxMs: 5, jitter: 0 } });
  chief.addWorker('ingest', nested);
  return { chief, recorder, stop: () => lock.resolve() };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the inspection stream (new Chief({ inspect }))', () => {
  it('a plain function sees the Chief, every worker, a nested Chief and its workers, and a worker go Run -> Failed -> Run', async () => {
    const events: InspectionEvent[] = [];
    const { chief, recorder, stop } = treeChief((e: InspectionEvent) => events.push(e));
    const result = chief.run();
    await recorder.state('ingest/reader', 'Run');
    await recorder.waitFor((e) => e.type === 'worker.restarting' && e.worker === 'flaky');
    await recorder.state('flaky', 'Run');
    // Added at run time: it joins the same stream.
    await chief.addWorkerAndLaunch('late', untilAborted);
    stop();
    await result;

    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef);
    const roots = actors.filter((ref) => (ref as { _parent?: unknown })._parent === undefined);
    expect(roots).toHaveLength(2); // the Chief and the nested Chief, each a root actor
    const ids = actors.map((ref) => (ref as unknown as { id: string }).id);
    for (const id of ['worker:a', 'worker:flaky', 'worker:ingest', 'worker:reader', 'worker:late']) expect(ids).toContain(id);
    // flaky's second incarnation is a new actor of the same tree
    expect(ids.filter((id) => id.startsWith('worker:flaky'))).toHaveLength(1);

    const flaky = events
      .filter((e): e is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && (e.actorRef as unknown as { id: string }).id === 'worker:flaky')
      .map((e) => topState((e.snapshot as unknown as { value: unknown }).value));
    const path = flaky.filter((s, i) => s !== flaky[i - 1]);
    expect(path).toEqual(expect.arrayContaining(['Run', 'Failed']));
    const firstRun = path.indexOf('Run');
    expect(path.slice(firstRun, firstRun + 3)).toEqual(['Run', 'Failed', 'Run']);
    expect(recorder.of('callback.failed')).toEqual([]);
  });

  it('an observer object with next() works the same, and a throwing observer becomes callback.failed events, bounded, never a crash', async () => {
    let calls = 0;
    const { chief, recorder, stop } = treeChief({
      next() {
        calls++;
        throw new Error('observer broke');
      },
    });
    const result = chief.run();
    await recorder.state('flaky', 'Run');
    await recorder.state('ingest/reader', 'Run');
    stop();
    expect((await result).graceful).toBe(true);
    expect(calls).toBeGreaterThan(10);
    const failed = recorder.of('callback.failed').filter((e) => e.fields.callback === 'inspect');
    expect(failed).toHaveLength(10);
    expect(failed[9]!.message).toContain('further failures are not reported');
  });

  it('@statelyai/inspect createInspector with an adapter of your own receives the tree, offline', async () => {
    const received: StatelyInspectionEvent[] = [];
    const sawReader = deferred();
    // The inspector converts events on an idle callback: they arrive a little later.
    const inspector = createInspector({
      send(event) {
        received.push(event);
        if (event.type === '@xstate.actor' && event.name === 'worker:reader') sawReader.resolve();
      },
    });
    const { chief, recorder, stop } = treeChief(inspector.inspect);
    const result = chief.run();
    await recorder.state('ingest/reader', 'Run');
    await recorder.state('flaky', 'Run');
    await sawReader.promise;
    stop();
    await result;
    inspector.stop();
    const names = received.filter((e) => e.type === '@xstate.actor').map((e) => (e as { name: string }).name);
    for (const id of ['worker:a', 'worker:flaky', 'worker:reader']) expect(names).toContain(id);
    expect(received.some((e) => e.type === '@xstate.snapshot')).toBe(true);
    expect(recorder.of('callback.failed')).toEqual([]);
  });

  it('@statelyai/inspect createWebSocketInspector streams the tree to a WebSocket server on loopback', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise((r) => server.close(r)));
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const messages: Array<{ type: string; name?: string }> = [];
    const sawReader = deferred();
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; name?: string };
        messages.push(message);
        if (message.name === 'worker:reader') sawReader.resolve();
      }),
    );
    const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}` });
    cleanups.push(() => inspector.stop());
    const { chief, recorder, stop } = treeChief(inspector.inspect);
    const result = chief.run();
    await recorder.state('ingest/reader', 'Run');
    await sawReader.promise;
    stop();
    await result;
    const names = messages.filter((m) => m.type === '@xstate.actor').map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['worker:a', 'worker:flaky', 'worker:ingest', 'worker:reader']));
  });
});
