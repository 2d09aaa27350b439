import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * True for the addresses only this machine can reach: `127.0.0.0/8`, `::1`, `localhost`.
 *
 * @example
 * ```ts
 * isLoopback('127.0.0.1'); // true
 * isLoopback('0.0.0.0');   // false
 * ```
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The token a bind needs: the given one; on a non-loopback bind without one, a fresh random one. */
export function resolveToken(host: string, token: string | undefined): string | undefined {
  if (token !== undefined) return token;
  return isLoopback(host) ? undefined : randomBytes(18).toString('base64url');
}

/** Compares in constant time. */
function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `?token=` or `Authorization: Bearer <token>`. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('token');
  if (query !== null) return query;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/**
 * Why a request is refused, or `undefined` when it may be served: a missing or wrong token is
 * 401; on a loopback bind a `Host` header naming another machine is 403 (a page on another site
 * cannot reach the inspector through DNS rebinding).
 */
export function refusal(
  req: IncomingMessage,
  url: URL,
  bind: { host: string; token: string | undefined },
): { status: 401 | 403; body: string } | undefined {
  if (isLoopback(bind.host)) {
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!isLoopback(hostHeader)) return { status: 403, body: 'forbidden: this inspector answers only on loopback\n' };
  }
  if (bind.token === undefined) return undefined;
  const given = requestToken(req, url);
  if (given === undefined || !sameToken(given, bind.token)) return { status: 401, body: 'unauthorized: the inspector needs its token (?token=...)\n' };
  return undefined;
}
