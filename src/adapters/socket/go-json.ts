// Go's encoding/json escapes these even inside strings; JSON.stringify does not. Outside
// strings they cannot occur in JSON, so a global replace is safe.
const GO_ESCAPED = /[<>&\u2028\u2029]/g;
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON text as Go's `json.Marshal` writes it for the same value: `JSON.stringify` plus Go's
 * HTML escaping, and `null` where `JSON.stringify` gives nothing. Object keys keep their order
 * (like struct fields); sort them first where Go would marshal a map.
 *
 * @example
 * ```ts
 * goMarshal({ a: '<b>' }); // '{"a":"\\u003cb\\u003e"}'
 * goMarshal(undefined);    // 'null'
 * ```
 */
export function goMarshal(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'null';
  GO_ESCAPED.lastIndex = 0;
  return GO_ESCAPED.test(text) ? text.replace(GO_ESCAPED, (c) => GO_ESCAPES[c]!) : text;
}

/**
 * Orders strings as Go sorts map keys: by their UTF-8 bytes, which is the order of code points
 * (not of the UTF-16 units that `<` compares).
 *
 * @example
 * ```ts
 * Object.keys(workers).sort(compareGoKeys);
 * ```
 */
export function compareGoKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}
