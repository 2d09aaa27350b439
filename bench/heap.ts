/** heapUsed after two full GCs (a benchmark must run under `node --expose-gc`). */
export function heapAfterGc(): number {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
