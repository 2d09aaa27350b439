// Workers that talk: `orders` asks `pricer` for a price (ask/reply) and books each priced order
// with `ledger`, which reads its mailbox in batches. `pricer` crashes on every fifth request and
// is restarted by its policy: the requests sent while it restarts wait in its mailbox and are
// answered when it runs again, and the one it held when it crashed times out on the asker's side.
// Code outside the workers sends through `chief.mailbox()`. With INSPECT_PORT set, the inspector
// page shows each worker's mailbox counts (waiting, delivered, dropped, refused).
//
//   npx tsx examples/mailbox.ts        (Ctrl-C or SIGTERM stops it)
//   INSPECT_PORT=7357 npx tsx examples/mailbox.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { AskTimeoutError, Chief, Restart, type ChiefEvent } from 'uwe';

interface Order {
  id: number;
  sku: string;
}

const PRICES: Record<string, number> = { apple: 0.5, pear: 0.75, plum: 0.3 };
const SKUS = Object.keys(PRICES);

const chief = new Chief();
const inspector = process.env.INSPECT_PORT === undefined ? undefined : chief.enableInspector({ port: Number(process.env.INSPECT_PORT) });
chief.setEventHandler((event: ChiefEvent) => {
  if (event.type === 'inspector.listening') console.log(`inspector: ${inspector?.url}`);
  const interesting = event.type === 'worker.crashed' || event.type === 'worker.restarting' || event.type.startsWith('mailbox.');
  const cause = event.error instanceof Error ? ` (${event.error.message})` : '';
  if (interesting) console.log(`[${event.worker ?? 'chief'}] ${event.type}: ${event.message}${cause}`);
});

let answered = 0;
chief.addWorker(
  'pricer',
  {
    async run(ctx) {
      for await (const message of ctx.mailbox.messages<Order>()) {
        if (++answered % 5 === 0) throw new Error(`price list unreadable at order ${message.data.id}`);
        if (message.isRequest) message.reply(PRICES[message.data.sku] ?? 1);
      }
    },
  },
  { restart: Restart.OnFail, maxRestarts: Infinity, backoff: { initialMs: 300, maxMs: 300, jitter: 0 } },
);

chief.addWorker(
  'ledger',
  {
    async run(ctx) {
      let entries = 0;
      let total = 0;
      for await (const batch of ctx.mailbox.batches<{ id: number; price: number }>()) {
        for (const { sender, data } of batch) {
          if (sender === 'chief') {
            console.log(`ledger: note from outside: ${String(data)}`);
            continue;
          }
          entries++;
          total += data.price;
          console.log(`ledger: order ${data.id} booked, ${entries} entries, total ${total.toFixed(2)}`);
        }
      }
    },
  },
  { mailboxCapacity: 64, mailboxOverflow: 'drop-oldest' },
);

// One order every 100 ms, each priced by an ask of its own: the asks sent while `pricer`
// restarts wait in its mailbox and are answered once it runs again.
chief.addWorker('orders', {
  async run(ctx) {
    const book = async (order: Order): Promise<void> => {
      try {
        const price = await ctx.mailbox.ask<number>('pricer', order, { timeoutMs: 1_000 });
        ctx.mailbox.send('ledger', { id: order.id, price });
      } catch (error) {
        if (!(error instanceof AskTimeoutError)) throw error;
        console.log(`orders: order ${order.id} got no price in time (${error.message})`);
      }
    };
    const pending = new Set<Promise<void>>();
    for (let id = 1; !ctx.signal.aborted; id++) {
      const booked = book({ id, sku: SKUS[id % SKUS.length]! });
      pending.add(booked);
      void booked.finally(() => pending.delete(booked));
      await sleep(100, undefined, { signal: ctx.signal }).catch(() => {});
    }
    await Promise.allSettled(pending);
  },
});

chief.mailbox().send('ledger', 'books open');
const result = await chief.run();
console.log(`stopped; graceful: ${result.graceful}`);
