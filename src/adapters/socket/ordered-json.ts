/**
 * Key order of the objects made by {@link parseOrderedJson}, as the text had them. A JS
 * object lists integer-like keys first, in numeric order, whatever order they were written in.
 */
const ORDER = new WeakMap<object, readonly string[]>();

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;
const BLANK = /[ \t\n\r]*/y;
const MAX_DEPTH = 512;

/**
 * Parses JSON text as `JSON.parse` does, except that objects have no prototype (a key
 * `__proto__` is a key like any other) and remember the order their keys were written in
 * (see {@link orderedKeys}). Its errors say where, never what: they quote no input.
 *
 * @throws {SyntaxError} `invalid JSON at byte N`, or when nested deeper than 512 levels.
 * @example
 * ```ts
 * const value = parseOrderedJson('{"10":1,"9":2}') as Record<string, number>;
 * orderedKeys(value); // ["10", "9"]  (Object.keys gives ["9", "10"])
 * ```
 */
export function parseOrderedJson(text: string): unknown {
  let at = 0;
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at character ${at}`);
  };
  const blank = (): void => {
    BLANK.lastIndex = at;
    BLANK.test(text);
    at = BLANK.lastIndex;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return undefined;
    at = pattern.lastIndex;
    return match[0];
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_DEPTH} levels`);
    blank();
    const c = text[at];
    if (c === '{') {
      at++;
      const object: Record<string, unknown> = Object.create(null);
      const keys: string[] = [];
      blank();
      if (text[at] === '}') {
        at++;
      } else {
        for (;;) {
          blank();
          const raw = token(STRING) ?? fail();
          const key = JSON.parse(raw) as string;
          blank();
          if (text[at] !== ':') fail();
          at++;
          if (!Object.hasOwn(object, key)) keys.push(key);
          object[key] = value(depth + 1);
          blank();
          const next = text[at];
          if (next !== '}' && next !== ',') fail();
          at++;
          if (next === '}') break;
        }
      }
      ORDER.set(object, keys);
      return object;
    }
    if (c === '[') {
      at++;
      const array: unknown[] = [];
      blank();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        blank();
        const next = text[at];
        if (next !== ']' && next !== ',') fail();
        at++;
        if (next === ']') return array;
      }
    }
    if (c === '"') return JSON.parse(token(STRING) ?? fail()) as string;
    const literal = token(LITERAL);
    if (literal !== undefined) return literal === 'null' ? null : literal === 'true';
    return Number(token(NUMBER) ?? fail());
  };
  const result = value(0);
  blank();
  if (at !== text.length) fail();
  return result;
}

/**
 * The keys of an object made by {@link parseOrderedJson}, in the order the text had them;
 * for any other object, `Object.keys`.
 *
 * @example
 * ```ts
 * orderedKeys(parseOrderedJson('{"b":1,"2":2,"a":3}') as object); // ["b", "2", "a"]
 * ```
 */
export function orderedKeys(object: object): readonly string[] {
  return ORDER.get(object) ?? Object.keys(object);
}
