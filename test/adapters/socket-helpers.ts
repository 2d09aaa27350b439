import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

/** A fresh directory for socket files, short enough for the 107-byte socket path limit. */
export function tempSocketDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync('/tmp/uwe-t-');
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Connects, writes `data` (in pieces if an array), optionally half-closes, and resolves with
 * every byte received until the server closes.
 */
export function exchange(path: string, data: string | Buffer | Array<string | Buffer>, options: { end?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      for (const piece of Array.isArray(data) ? data : [data]) socket.write(piece);
      if (options.end) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a peer that is still writing; what it sent before still counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      reject(error);
    });
  });
}

/** Opens a connection and keeps it open, silent, until `destroy()`; `closed` resolves when the server drops it. */
export async function idleClient(path: string): Promise<{ socket: net.Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = net.connect(path);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received, closed };
}
