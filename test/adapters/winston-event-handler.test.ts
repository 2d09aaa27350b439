import { afterEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import Transport from 'winston-transport';
import { Chief, createEvent, Restart, workerFunc, type EventLevel, type Worker } from 'uwe';
import { winstonEventHandler } from 'uwe/adapters/winston';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

afterEach(() => vi.restoreAllMocks());

/** A winston transport that keeps every info object and its JSON line. */
class MemoryTransport extends Transport {
  readonly records: Record<string, any>[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.records.push(JSON.parse(String(info[Symbol.for('message')])));
    next();
  }
}

function memoryWinston(options: winston.LoggerOptions = {}) {
  const transport = new MemoryTransport();
  const logger = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [transport], ...options });
  return { logger, records: transport.records };
}

const untilAborted: Worker = { run: (ctx) => ctx.done };

describe('winstonEventHandler', () => {
  it('writes a crashing worker as a winston error with event, worker and the error with stack and cause', async () => {
    const { logger, records } = memoryWinston();
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    chief.setEventHandler(winstonEventHandler(logger));
    const recorder = new EventRecorder();
    chief.addEventListener(recorder.handler);
    chief.addWorker('db', workerFunc(async () => { throw new Error('cannot reach the database', { cause: new Error('ECONNREFUSED') }); }), { restart: Restart.Never });
    chief.addWorker('idle', untilAborted);
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'worker.crashed');
    lock.resolve();
    await result;
    const crash = records.find((r) => r.event === 'worker.crashed')!;
    expect(crash).toMatchObject({
      level: 'error',
      worker: 'db',
      error: { type: 'Error', message: 'cannot reach the database', cause: { type: 'Error', message: 'ECONNREFUSED' } },
    });
    expect(crash.error.stack).toContain('cannot reach the database');
    expect(crash.error.cause.stack).toContain('ECONNREFUSED');
    expect(crash.message).not.toContain('ECONNREFUSED');
    expect(records.find((r) => r.event === 'worker.state' && r.worker === 'idle' && r.state === 'Run')).toMatchObject({ level: 'info' });
  });

  it('with npm levels writes fatal as error marked fatal: true, the rest at their own level', () => {
    const { logger, records } = memoryWinston();
    const handle = winstonEventHandler(logger);
    const levels: EventLevel[] = ['fatal', 'error', 'warn', 'info', 'debug'];
    for (const level of levels) handle(createEvent({ type: 'custom', level, message: `at ${level}` }));
    expect(records.map((r) => [r.level, r.message, r.fatal])).toEqual([
      ['error', 'at fatal', true], ['error', 'at error', undefined], ['warn', 'at warn', undefined],
      ['info', 'at info', undefined], ['debug', 'at debug', undefined],
    ]);
  });

  it('with syslog levels writes fatal as emerg and warn as warning; a level map can be given', () => {
    const syslog = memoryWinston({ levels: winston.config.syslog.levels });
    const handle = winstonEventHandler(syslog.logger);
    for (const level of ['fatal', 'warn', 'debug'] as const) handle(createEvent({ type: 'custom', level, message: level }));
    expect(syslog.records.map((r) => r.level)).toEqual(['emerg', 'warning', 'debug']);

    const npm = memoryWinston();
    winstonEventHandler(npm.logger, { levels: { debug: 'silly', fatal: 'error' } })(createEvent({ type: 'custom', level: 'debug', message: 'x' }));
    expect(npm.records).toEqual([]); // silly is below the logger's debug level
    expect(() => winstonEventHandler(npm.logger, { levels: { fatal: 'fatal' } })).toThrow(/no level "fatal".*error, warn/);
  });

  it('keeps a child logger\'s metadata and honours the logger level', () => {
    const { logger, records } = memoryWinston({ level: 'info' });
    const handle = winstonEventHandler(logger.child({ service: 'billing' }));
    handle(createEvent({ type: 'custom', level: 'debug', message: 'too chatty' }));
    handle(createEvent({ type: 'worker.backoff', level: 'info', worker: 'api', message: 'backing off', fields: { attempt: 2, message: 'fake' } }));
    expect(records).toEqual([
      { level: 'info', message: 'backing off', service: 'billing', event: 'worker.backoff', worker: 'api', attempt: 2, uwe_message: 'fake' },
    ]);
  });

  it('a logger whose format throws does not stop the chief: the failure is reported as callback.failed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const logger = winston.createLogger({
      format: winston.format.combine(
        winston.format((info) => { if (info.event === 'worker.state') throw new Error('format broke'); return info; })(),
        winston.format.json(),
      ),
      transports: [new MemoryTransport()],
    });
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    chief.setEventHandler(winstonEventHandler(logger));
    const recorder = new EventRecorder();
    chief.addEventListener(recorder.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    lock.resolve();
    expect((await result).graceful).toBe(true);
    expect(recorder.of('callback.failed')[0].fields).toMatchObject({ callback: 'eventHandler', error: 'format broke' });
  });

  it('refuses something that is not a logger', () => {
    expect(() => winstonEventHandler({} as never)).toThrow(/log\(info\)/);
  });
});
