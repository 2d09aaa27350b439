import { describe, expect, it, vi } from 'vitest';
import { Chief, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

// Every actor the runtime creates, with the options it was created with.
const created = vi.hoisted(() => [] as Array<{ id: string; options: Record<string, unknown> }>);
vi.mock('xstate', async (importOriginal) => {
  const xstate = await importOriginal<typeof import('xstate')>();
  return {
    ...xstate,
    createActor: (logic: any, options: Record<string, unknown> = {}) => {
      created.push({ id: String(logic.id), options });
      return xstate.createActor(logic, options as never);
    },
  };
});

const untilAborted: Worker = { run: (ctx) => ctx.done };

async function runOnce(chief: Chief): Promise<void> {
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  chief.addWorker('a', untilAborted);
  chief.addWorker('b', untilAborted);
  const result = chief.run();
  await recorder.state('b', 'Run');
  lock.resolve();
  await result;
}

describe('the inspection observer is installed only when given', () => {
  it('without inspect, no actor of the tree is created with an observer', async () => {
    created.length = 0;
    await runOnce(new Chief());
    expect(created.map((c) => c.id)).toEqual(['chief', 'worker', 'worker']);
    expect(created.filter((c) => 'inspect' in c.options)).toEqual([]);
  });

  it('with inspect, only the Chief\'s root actor gets it; workers join its system through their parent', async () => {
    created.length = 0;
    const seen = new Set<string>();
    await runOnce(new Chief({ inspect: (e) => seen.add(e.type) }));
    const withObserver = created.filter((c) => 'inspect' in c.options).map((c) => c.id);
    expect(withObserver).toEqual(['chief']);
    expect(created.filter((c) => c.id === 'worker').every((c) => c.options.parent !== undefined)).toBe(true);
    expect(seen.has('@xstate.snapshot')).toBe(true);
  });
});
