// A thread that never looks at its signal: only terminating the thread ends it.
export function run(ctx) {
  console.log(`${ctx.name}: spinning, deaf to stop signals`);
  for (;;) {
    // Busy forever.
  }
}
