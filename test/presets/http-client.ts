import http from 'node:http';
import net from 'node:net';

/** One answer of a real HTTP request, with the socket it came on (still open if kept alive). */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: net.Socket;
}

/** GET over `agent` (keep-alive): resolves once the whole body arrived. */
export function get(agent: http.Agent, port: number, path: string, onSocket?: (socket: net.Socket) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, socket: req.socket! }));
      res.on('error', reject);
    });
    req.on('socket', (socket) => onSocket?.(socket));
    req.on('error', reject);
  });
}

/** Resolves when `socket` is closed (by either side). */
export function closed(socket: net.Socket): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/**
 * A raw TCP connection speaking HTTP/1.1 by hand, for what an Agent will not do: send a request
 * on a connection whose previous response is still streaming.
 */
export class RawConnection {
  readonly socket: net.Socket;
  received = '';
  readonly ended: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', () => {});
    this.ended = closed(socket);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(path: string): void {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
  }

  /** Resolves once what was received contains `text`. */
  until(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.received.includes(text)) return;
        this.socket.off('data', check);
        this.socket.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        check();
        reject(new Error(`closed before "${text}" arrived; got:\n${this.received}`));
      };
      this.socket.on('data', check);
      this.socket.once('close', onClose);
      setImmediate(check);
    });
  }
}
