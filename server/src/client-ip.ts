import { normaliseIp } from '@gatehouse/contract';
import type { Request } from 'express';

/**
 * The client's address: from a configured trusted proxy's X-Forwarded-For, else the socket peer (Express
 * `trust proxy`). The one place it is determined: an IPv4 client of a server listening on `::` arrives
 * as `::ffff:127.0.0.1` and is stored, logged and checked as `127.0.0.1`.
 */
export function clientIp(req: Request): string {
  return normaliseIp(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
