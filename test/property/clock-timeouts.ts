/*
 * What a SimulatedClock still has pending. xstate keeps its timeouts in a private map, the only
 * way to tell whether the Chief left a timer behind; read it in one place, so that a change of
 * xstate's internals fails here, loudly.
 */

/** Earliest deadline among the SimulatedClock's pending timeouts, or Infinity. */
export function nextDeadline(clock: object): number {
  let next = Infinity;
  for (const t of pendingTimeouts(clock)) if (t.start + t.timeout < next) next = t.start + t.timeout;
  return next;
}

/** The SimulatedClock's pending timeouts (its `timeouts` map is private in the typings). */
export function pendingTimeouts(clock: object): Array<{ start: number; timeout: number }> {
  const timeouts = (clock as { timeouts?: Map<number, { start: number; timeout: number }> }).timeouts;
  if (!(timeouts instanceof Map)) throw new TypeError('SimulatedClock has no timeouts map: xstate changed its internals');
  return [...timeouts.values()].map(({ start, timeout }) => ({ start, timeout }));
}
