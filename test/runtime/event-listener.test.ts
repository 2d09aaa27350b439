import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, InvalidArgumentError, type ChiefEvent, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

afterEach(() => vi.restoreAllMocks());

function lockedChief() {
  const chief = new Chief();
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  return { chief, stop: () => lock.resolve() };
}

describe('Chief.addEventListener', () => {
  it('delivers every event beside the handler and stops after unsubscribe', async () => {
    const { chief, stop } = lockedChief();
    const handler = new EventRecorder();
    const listener = new EventRecorder();
    chief.setEventHandler(handler.handler);
    const off = chief.addEventListener(listener.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await listener.state('a', 'Run');
    off();
    stop();
    await result;
    const seen = listener.events.length;
    expect(seen).toBeGreaterThan(0);
    expect(listener.events).toEqual(handler.events.slice(0, seen));
    expect(handler.events.length).toBeGreaterThan(seen);
    expect(handler.of('chief.stopped')).toHaveLength(1);
    expect(listener.of('chief.stopped')).toHaveLength(0);
  });

  it('a throwing listener becomes callback.failed for the handler and the other listeners, and the chief runs on', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chief, stop } = lockedChief();
    const handler = new EventRecorder();
    const other = new EventRecorder();
    chief.setEventHandler(handler.handler);
    chief.addEventListener(() => { throw new Error('listener broke'); });
    chief.addEventListener(other.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await handler.state('a', 'Run');
    stop();
    expect((await result).graceful).toBe(true);
    const failures = handler.of('callback.failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0].fields).toMatchObject({ callback: 'eventListener', error: 'listener broke' });
    expect(other.of('callback.failed').length).toBe(failures.length);
    // Every real event still reached the handler once, the failures of the failures were not re-reported.
    expect(handler.of('chief.stopped')).toHaveLength(1);
  });

  it('a throwing handler is reported to the listeners, not to itself', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chief, stop } = lockedChief();
    const listener = new EventRecorder();
    const seenByHandler: ChiefEvent[] = [];
    chief.setEventHandler((e) => { seenByHandler.push(e); throw new Error('handler broke'); });
    chief.addEventListener(listener.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await listener.state('a', 'Run');
    stop();
    await result;
    expect(listener.of('callback.failed')[0].fields).toMatchObject({ callback: 'eventHandler', error: 'handler broke' });
    expect(seenByHandler.some((e) => e.type === 'callback.failed')).toBe(false);
  });

  it('rejects a listener that is not a function', () => {
    expect(() => new Chief().addEventListener('nope' as never)).toThrow(InvalidArgumentError);
  });
});
