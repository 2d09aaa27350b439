const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * What {@link JsonObjectScanner.feed} found in a chunk.
 *
 * @example
 * ```ts
 * const scan: ScanResult = scanner.feed(chunk);
 * if (scan.kind === 'end') handle(chunk.subarray(0, scan.end));
 * ```
 */
export type ScanResult =
  /** The object is not complete yet. */
  | { kind: 'more' }
  /** The object ends at byte `end` (exclusive) of the chunk just fed. */
  | { kind: 'end'; end: number }
  /** The first non-blank byte starts neither an object nor `null`: not a uwe message. */
  | { kind: 'not-object' };

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Finds where the first JSON object (or a bare `null`) of a byte stream ends, chunk by chunk, without parsing it.
 * uwe reads its messages with Go's `json.Decoder`, which stops at the end of the first value
 * whether or not a newline follows; so must we, or a Go client that sends no newline would
 * wait forever. Scanning bytes is safe for UTF-8: no multi-byte sequence contains an ASCII
 * byte. Validation is left to `JSON.parse` on the found bytes.
 *
 * @example
 * ```ts
 * const scanner = new JsonObjectScanner();
 * scanner.feed(Buffer.from('{"ActionFunc":"pi'));  // { kind: 'more' }
 * scanner.feed(Buffer.from('ng"}\n'));              // { kind: 'end', end: 4 }
 * ```
 */
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

export class JsonObjectScanner {
  #started = false;
  /** Bytes of `null` matched so far, when the value is a bare `null` (uwe answers it). */
  #null = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;

  /** Scans the next chunk of the stream. After an `end` or `not-object`, do not feed again. */
  feed(chunk: Uint8Array): ScanResult {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (!this.#started) {
        if (isBlank(byte)) continue;
        this.#started = true;
        if (byte === NULL[0]) {
          this.#null = 1;
          continue;
        }
        if (byte !== OPEN_BRACE) return { kind: 'not-object' };
        this.#depth = 1;
        continue;
      }
      if (this.#null > 0) {
        if (byte !== NULL[this.#null]) return { kind: 'not-object' };
        if (++this.#null === NULL.length) return { kind: 'end', end: i + 1 };
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (--this.#depth === 0) return { kind: 'end', end: i + 1 };
      }
    }
    return { kind: 'more' };
  }

  /** True once any non-blank byte has been seen. */
  get started(): boolean {
    return this.#started;
  }
}
