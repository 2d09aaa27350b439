import type { Connection } from './connection.js';

/**
 * The open connections of a server, linked through the connections themselves: adding and
 * removing allocate nothing, and one walk finds the overdue ones.
 *
 * @example
 * ```ts
 * const open = new ConnectionList();
 * open.add(connection);
 * open.expireDue(performance.now());
 * ```
 */
export class ConnectionList {
  #head: Connection | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(connection: Connection): void {
    connection.prev = undefined;
    connection.next = this.#head;
    if (this.#head) this.#head.prev = connection;
    this.#head = connection;
    this.#size++;
  }

  remove(connection: Connection): void {
    if (connection.prev) connection.prev.next = connection.next;
    else if (this.#head === connection) this.#head = connection.next;
    else return; // not in the list
    if (connection.next) connection.next.prev = connection.prev;
    connection.prev = connection.next = undefined;
    this.#size--;
  }

  /** Calls `expire()` on every connection whose deadline is at or before `now`. */
  expireDue(now: number): void {
    for (let connection = this.#head; connection; ) {
      const next = connection.next;
      if (connection.deadline <= now) connection.expire();
      connection = next;
    }
  }

  /** Destroys every connection's socket. */
  destroyAll(): void {
    for (let connection = this.#head; connection; ) {
      const next = connection.next;
      connection.socket.destroy();
      connection = next;
    }
  }
}
