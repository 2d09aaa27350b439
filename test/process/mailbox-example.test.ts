import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

let child: Child | undefined;
afterEach(async () => {
  await child?.dispose();
  child = undefined;
});

describe('mailbox example', () => {
  it('asks answered across a restart, the held request timing out, batches booked in order, SIGTERM exits 0', async () => {
    child = new Child('examples/mailbox.ts');
    await child.waitFor('ledger: note from outside: books open');
    await child.waitFor('[pricer] worker.crashed: worker crashed (price list unreadable at order 5)');
    // Orders 6.. were asked while pricer restarted: they waited in its mailbox and were answered after.
    await child.waitFor('ledger: order 6 booked, 5 entries');
    await child.waitFor('orders: order 5 got no price in time');
    const booked = [...child.stdout.matchAll(/ledger: order (\d+) booked, (\d+) entries/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(booked.slice(0, 5)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [6, 5]]);
    child.process.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.stdout).toContain('stopped; graceful: true');
    expect(child.stderr).toBe('');
  });
});
