import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The open connections of one HTTP server and the responses in flight on each, so a stop can
 * tell busy connections from idle ones:
 *
 * ```
 * stop ──> server.close()            no new connection is accepted
 *      ├─> idle connection           closed at once
 *      ├─> busy, headers not sent    its response gets `Connection: close`; Node closes after it
 *      ├─> busy, headers sent        closed as soon as its last response is done
 *      ├─> request arriving later    answered with `Connection: close`
 *      └─> forceCloseAfterMs         whatever is still open is destroyed
 * ```
 */
export class ConnectionTracker {
  readonly #server: Server;
  readonly #responses = new Map<Socket, Set<ServerResponse>>();
  #stopping = false;

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      if (this.#stopping) {
        socket.destroy();
        return;
      }
      this.#responses.set(socket, new Set());
      socket.once('close', () => this.#responses.delete(socket));
    });
  }

  /** Called first for every request: counts its response and, once stopping, asks to close. */
  begin(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const inFlight = this.#responses.get(socket);
    if (this.#stopping) res.setHeader('Connection', 'close');
    if (!inFlight) return;
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (this.#stopping && inFlight.size === 0) closeIdle(socket);
    });
  }

  /**
   * Closes the server as drawn above; resolves with the number of connections destroyed at
   * `forceCloseAfterMs` (0 when all closed in time).
   */
  async stop(forceCloseAfterMs: number): Promise<number> {
    this.#stopping = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const [socket, inFlight] of this.#responses) {
      if (inFlight.size === 0) closeIdle(socket);
      else for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    let forced = 0;
    const timer = setTimeout(() => {
      forced = this.#responses.size;
      for (const socket of this.#responses.keys()) socket.destroy();
      this.#server.closeAllConnections();
    }, forceCloseAfterMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
    }
    return forced;
  }
}

/** Closes a connection with no response in flight, without cutting what is still being written. */
function closeIdle(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableLength === 0) socket.destroy();
  else socket.end(() => socket.destroy());
}
