/** Splits a byte stream into lines, each cut at `maxBytes` (the rest of a long line is dropped). */
export class LineSplitter {
  #partial = '';
  #truncated = false;

  constructor(
    readonly maxBytes: number,
    readonly onLine: (line: string, truncated: boolean) => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.#partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.#partial = parts.pop()!;
    for (const part of parts) this.#emit(part.endsWith('\r') ? part.slice(0, -1) : part);
    if (Buffer.byteLength(this.#partial) > this.maxBytes) {
      if (!this.#truncated) this.onLine(cut(this.#partial, this.maxBytes), true);
      this.#truncated = true;
      this.#partial = '';
    }
  }

  /** Reports what is left without a final newline. */
  flush(): void {
    if (this.#partial.length > 0) this.#emit(this.#partial);
    this.#partial = '';
  }

  #emit(line: string): void {
    if (this.#truncated) {
      // The tail of a line already reported cut.
      this.#truncated = false;
      return;
    }
    if (Buffer.byteLength(line) > this.maxBytes) this.onLine(cut(line, this.maxBytes), true);
    else this.onLine(line, false);
  }
}

function cut(text: string, maxBytes: number): string {
  return Buffer.from(text).subarray(0, maxBytes).toString('utf8');
}
