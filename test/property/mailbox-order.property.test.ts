import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chief, type MailboxOverflow, type RunResult } from 'uwe';
import { deferred } from '../support/flush.js';

/*
 * Order under load: random senders send random bursts to random targets through small mailboxes,
 * yielding at random points (a microtask, a macrotask, or not at all). Per sender and target the
 * messages must arrive in the order sent: with `reject` and whenWritable, every one of them;
 * with `drop-oldest` / `drop-newest`, an increasing subsequence, and sent = read + dropped.
 */
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed_0011;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 40;

const opArb = fc.record({
  sender: fc.nat({ max: 3 }),
  target: fc.nat({ max: 2 }),
  burst: fc.integer({ min: 1, max: 40 }),
  pause: fc.constantFrom('none', 'microtask', 'macrotask'),
});

const scenarioArb = fc.record({
  senders: fc.integer({ min: 1, max: 4 }),
  targets: fc.integer({ min: 1, max: 3 }),
  capacity: fc.integer({ min: 1, max: 16 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 30 }),
  slowReader: fc.boolean(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  sent: Map<string, number>;
  read: Map<string, number[]>;
  dropped: number;
  result: RunResult;
}

async function play(s: Scenario, overflow: MailboxOverflow): Promise<Outcome> {
  const chief = new Chief({ exitProcess: false });
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  let dropped = 0;
  chief.setEventHandler((e) => {
    if (e.type === 'mailbox.dropped' && e.fields.reason !== 'reject') dropped += e.fields.count as number;
  });
  const sent = new Map<string, number>();
  const read = new Map<string, number[]>();
  const targets = Array.from({ length: s.targets }, (_, i) => `t${i}`);
  const senders = Array.from({ length: s.senders }, (_, i) => `s${i}`);
  let sendersDone = 0;
  const allSent = deferred();
  for (const name of targets) {
    chief.addWorker(
      name,
      {
        async run(ctx) {
          let n = 0;
          for await (const m of ctx.mailbox.messages<number>()) {
            const key = `${m.sender}->${name}`;
            (read.get(key) ?? read.set(key, []).get(key)!).push(m.data);
            if (s.slowReader && ++n % 3 === 0) await new Promise<void>((r) => setImmediate(r));
          }
        },
      },
      { mailboxCapacity: s.capacity, mailboxOverflow: overflow },
    );
  }
  for (const [i, name] of senders.entries()) {
    chief.addWorker(name, {
      async run(ctx) {
        for (const op of s.ops) {
          if (op.sender % s.senders !== i) continue;
          const target = targets[op.target % s.targets];
          const key = `${name}->${target}`;
          for (let b = 0; b < op.burst; b++) {
            const seq = sent.get(key) ?? 0;
            sent.set(key, seq + 1);
            while (!ctx.mailbox.send(target, seq)) {
              if (overflow !== 'reject') break;
              await ctx.mailbox.whenWritable(target);
            }
          }
          if (op.pause === 'microtask') await Promise.resolve();
          if (op.pause === 'macrotask') await new Promise<void>((r) => setImmediate(r));
        }
        if (++sendersDone === senders.length) allSent.resolve();
        await ctx.done;
      },
    });
  }
  const running = chief.run();
  await allSent.promise;
  // Let the readers drain what is queued, then stop.
  const depth = () => Object.values(chief.healthSource().getMailboxCounters!()).reduce((a, c) => a + c.depth, 0);
  for (let i = 0; i < 10_000 && depth() > 0; i++) await new Promise<void>((r) => setImmediate(r));
  lock.resolve();
  return { sent, read, dropped, result: await running };
}

describe('mailbox order (property)', () => {
  it('with reject and whenWritable, every message arrives once, in the order its sender sent it', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { sent, read, result } = await play(s, 'reject');
        expect(result.graceful).toBe(true);
        for (const [key, count] of sent) expect(read.get(key)).toEqual(Array.from({ length: count }, (_, i) => i));
        expect([...read.keys()].every((k) => sent.has(k))).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with drop-oldest and drop-newest, what arrives is in order and every loss is counted', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom<MailboxOverflow>('drop-oldest', 'drop-newest'), async (s, overflow) => {
        const { sent, read, dropped, result } = await play(s, overflow);
        expect(result.graceful).toBe(true);
        let total = 0;
        let got = 0;
        for (const [key, count] of sent) {
          total += count;
          const seqs = read.get(key) ?? [];
          got += seqs.length;
          for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
          expect(seqs.every((n) => n >= 0 && n < count)).toBe(true);
        }
        expect(got + dropped).toBe(total);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});
