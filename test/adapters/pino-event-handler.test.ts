import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, createEvent, Restart, workerFunc, type EventLevel, type Worker } from 'uwe';
import { pinoEventHandler, serializeError } from 'uwe/adapters/pino';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

afterEach(() => vi.restoreAllMocks());

/** A real pino logger writing JSON lines into memory. */
function memoryPino(level = 'debug') {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level, base: { pid: 1 } }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const untilAborted: Worker = { run: (ctx) => ctx.done };

describe('pinoEventHandler', () => {
  it('writes a crashing worker as a pino error record with event, worker and the error with stack and cause', async () => {
    const { logger, lines } = memoryPino();
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    chief.setEventHandler(pinoEventHandler(logger));
    const recorder = new EventRecorder();
    chief.addEventListener(recorder.handler);
    const root = Object.assign(new Error('ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    chief.addWorker('db', workerFunc(async () => { throw new Error('cannot reach the database', { cause: root }); }), { restart: Restart.Never });
    chief.addWorker('idle', untilAborted);
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'worker.crashed');
    lock.resolve();
    await result;

    const crash = lines.find((l) => l.event === 'worker.crashed')!;
    expect(crash).toMatchObject({ level: 50, worker: 'db', msg: expect.any(String), pid: 1 });
    expect(crash.error).toMatchObject({
      type: 'Error',
      message: 'cannot reach the database',
      cause: { type: 'Error', message: 'ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' },
    });
    expect(crash.error.stack).toContain('cannot reach the database');
    expect(crash.error.cause.stack).toContain('ECONNREFUSED');
    // Derived copies are replaced by the error itself; nothing is interpolated into msg.
    expect(crash).not.toHaveProperty('stack');
    expect(crash.msg).not.toContain('ECONNREFUSED');
    const running = lines.find((l) => l.event === 'worker.state' && l.worker === 'idle' && l.state === 'Run');
    expect(running).toMatchObject({ level: 30 });
  });

  it('maps each event level to the pino level of the same name', () => {
    const { logger, lines } = memoryPino();
    const handle = pinoEventHandler(logger);
    const levels: EventLevel[] = ['fatal', 'error', 'warn', 'info', 'debug'];
    for (const level of levels) handle(createEvent({ type: 'custom', level, message: `at ${level}` }));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [60, 'at fatal'], [50, 'at error'], [40, 'at warn'], [30, 'at info'], [20, 'at debug'],
    ]);
  });

  it('keeps a child logger\'s bindings and honours the logger level', () => {
    const { logger, lines } = memoryPino('info');
    const handle = pinoEventHandler(logger.child({ service: 'billing' }));
    handle(createEvent({ type: 'custom', level: 'debug', message: 'too chatty' }));
    handle(createEvent({ type: 'worker.backoff', level: 'info', worker: 'api', message: 'backing off', fields: { attempt: 2, delayMs: 400 } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'billing', event: 'worker.backoff', worker: 'api', attempt: 2, delayMs: 400, msg: 'backing off' });
  });

  it('does not let an event field overwrite what pino owns', () => {
    const { logger, lines } = memoryPino();
    pinoEventHandler(logger)(createEvent({ type: 'custom', level: 'info', message: 'real message', fields: { msg: 'fake', level: 'fatal', time: 0, event: 'x' } }));
    expect(lines[0]).toMatchObject({ msg: 'real message', level: 30, event: 'custom', uwe_msg: 'fake', uwe_level: 'fatal', uwe_time: 0, uwe_event: 'x' });
    expect(lines[0].time).toBeGreaterThan(0);
  });

  it('follows a cause chain only so deep and never round a cycle', () => {
    const { logger, lines } = memoryPino();
    let error = new Error('level 0');
    for (let i = 1; i <= 10; i++) error = new Error(`level ${i}`, { cause: error });
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const handle = pinoEventHandler(logger, { maxCauseDepth: 3 });
    handle(createEvent({ type: 'custom', level: 'error', message: 'deep', error }));
    handle(createEvent({ type: 'custom', level: 'error', message: 'cycle', error: b }));
    expect(lines[0].error.cause.cause.cause.cause).toBe('[cause depth exceeded]');
    expect(lines[1].error.cause.cause).toBe('[Circular]');
    expect(serializeError({ reason: 'a plain object' })).toContain('a plain object');
    expect(serializeError(new AggregateError([new Error('one')], 'many'))).toMatchObject({ errors: [{ message: 'one' }] });
  });

  it('a logger whose destination throws does not stop the chief: the failure is reported as callback.failed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const logger = pino({}, { write: () => { throw new Error('disk full'); } });
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    chief.setEventHandler(pinoEventHandler(logger));
    const recorder = new EventRecorder();
    chief.addEventListener(recorder.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    lock.resolve();
    expect((await result).graceful).toBe(true);
    expect(recorder.of('callback.failed')[0].fields).toMatchObject({ callback: 'eventHandler', error: 'disk full' });
  });

  it('refuses something that is not a logger, saying what is missing', () => {
    expect(() => pinoEventHandler({} as never)).toThrow(/fatal, error, warn, info, debug/);
  });
});
