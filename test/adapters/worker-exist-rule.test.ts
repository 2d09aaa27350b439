import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Chief, type Worker } from 'uwe';
import { workerExistRule, type WorkerExistRule } from 'uwe/adapters/validation';

const idle: Worker = { run: (ctx) => ctx.done };

/** The rule inside zod: each listed name refined through the rule, so zod gives the path. */
function zodConfig(rule: WorkerExistRule) {
  const workerName = z.string().superRefine((name, ctx) => {
    for (const issue of rule.issues(name)) ctx.addIssue({ code: 'custom', message: issue.message, params: { known: issue.known } });
  });
  return z.object({ enable: z.array(workerName) });
}

/** The rule inside valibot, the same way through rawCheck. */
function valibotConfig(rule: WorkerExistRule) {
  const workerName = v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const issue of rule.issues(dataset.value)) addIssue({ message: issue.message });
    }),
  );
  return v.object({ enable: v.array(workerName) });
}

describe('workerExistRule', () => {
  it('is a Standard Schema v1 validator that accepts known names and lists of them', async () => {
    const rule = workerExistRule(['api', 'jobs']);
    expect(rule['~standard']).toMatchObject({ version: 1, vendor: 'uwe' });
    expect(await rule['~standard'].validate('api')).toEqual({ value: 'api' });
    expect(await rule['~standard'].validate(['jobs', 'api'])).toEqual({ value: ['jobs', 'api'] });
    expect(await rule['~standard'].validate([])).toEqual({ value: [] });
  });

  it('gives an issue per unknown name that names it, its index and the known workers', async () => {
    const rule = workerExistRule(['jobs', 'api']);
    const result = await rule['~standard'].validate(['api', 'mailer', 'jobs', 'cron']);
    expect(result.issues).toEqual([
      { message: 'unknown worker "mailer"; known workers: api, jobs', unknown: 'mailer', known: ['api', 'jobs'], path: [1] },
      { message: 'unknown worker "cron"; known workers: api, jobs', unknown: 'cron', known: ['api', 'jobs'], path: [3] },
    ]);
    expect(rule.issues('nope')).toEqual([{ message: 'unknown worker "nope"; known workers: api, jobs', unknown: 'nope', known: ['api', 'jobs'] }]);
  });

  it('a replaced message still receives, and the issue still carries, the known names', () => {
    const rule = workerExistRule(['api'], { message: (name, known) => `kein Worker "${name}" (bekannt: ${known.join('/')})` });
    const [issue] = rule.issues(['web']);
    expect(issue).toMatchObject({ message: 'kein Worker "web" (bekannt: api)', unknown: 'web', known: ['api'] });
  });

  it('rejects what is not a name or a list of names, and element types per index', () => {
    const rule = workerExistRule(['api']);
    expect(rule.issues(42)[0].message).toBe('expected a worker name or a list of worker names, got number');
    expect(rule.issues(null)[0].message).toContain('got null');
    expect(rule.issues(['api', 7])).toEqual([{ message: 'expected a worker name, got number', known: ['api'], path: [1] }]);
    expect(rule.issues(new Array(20_000).fill('api'))[0].message).toMatch(/too many worker names/);
    expect(() => workerExistRule(42 as never)).toThrow(TypeError);
  });

  it('reads the names of a live Chief at each validation when given a function', async () => {
    const chief = new Chief();
    chief.addWorker('api', idle);
    const rule = workerExistRule(() => Object.keys(chief.getWorkersStates()));
    expect(rule.issues('jobs')).toHaveLength(1);
    chief.addWorker('jobs', idle);
    expect(rule.issues('jobs')).toEqual([]);
    expect(rule.issues('x')[0].known).toEqual(['api', 'jobs']);
  });

  it('works inside a zod schema: a config listing which workers to enable', () => {
    const Config = zodConfig(workerExistRule(['api', 'jobs']));
    expect(Config.parse({ enable: ['api'] })).toEqual({ enable: ['api'] });
    const result = Config.safeParse({ enable: ['api', 'mailer', 'cron'] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [['enable', 1], 'unknown worker "mailer"; known workers: api, jobs'],
      [['enable', 2], 'unknown worker "cron"; known workers: api, jobs'],
    ]);
    // zod's own type checks still run first.
    expect(Config.safeParse({ enable: [1] }).error!.issues[0].code).toBe('invalid_type');
  });

  it('works inside a valibot schema: the same config', () => {
    const Config = valibotConfig(workerExistRule(['api', 'jobs']));
    expect(v.parse(Config, { enable: ['jobs'] })).toEqual({ enable: ['jobs'] });
    const result = v.safeParse(Config, { enable: ['mailer', 'api', 'cron'] });
    expect(result.success).toBe(false);
    expect(result.issues!.map((i) => [v.getDotPath(i), i.message])).toEqual([
      ['enable.0', 'unknown worker "mailer"; known workers: api, jobs'],
      ['enable.2', 'unknown worker "cron"; known workers: api, jobs'],
    ]);
  });
});
