import { afterEach, describe, expect, it } from 'vitest';
import { detachStack } from '../../src/machines/detach-stack.js';

const original = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = original;
});

describe('detachStack', () => {
  it('formats the stack of an error, its causes and an aggregate, and returns the same value', () => {
    const seen: string[] = [];
    Error.prepareStackTrace = (error) => {
      seen.push((error as Error).message);
      return `formatted ${(error as Error).message}`;
    };
    const inner = new Error('inner');
    const error = new Error('outer', { cause: new AggregateError([inner], 'aggregate') });
    expect(detachStack(error)).toBe(error);
    expect(seen).toEqual(['outer', 'aggregate', 'inner']);
    expect(error.stack).toBe('formatted outer');
  });

  it('survives a stack formatter or a stack getter that throws, and values that are not errors', () => {
    const error = new Error('x');
    Error.prepareStackTrace = () => {
      throw new Error('hostile formatter');
    };
    const returned = detachStack(error);
    // vitest formats stacks of its own: the formatter goes before any expect.
    Error.prepareStackTrace = original;
    expect(returned).toBe(error);
    const getter = Object.defineProperty(new Error('y'), 'stack', {
      get() {
        throw new Error('hostile getter');
      },
    });
    expect(detachStack(getter)).toBe(getter);
    expect(detachStack('text')).toBe('text');
    expect(detachStack(undefined)).toBeUndefined();
  });

  it('follows a cycle of causes only a few levels deep', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(detachStack(a)).toBe(a);
  });
});
