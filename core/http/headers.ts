import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap } from '@apollo/server';

/** Node's header object as Apollo's case-insensitive HeaderMap (repeated headers joined by ", "). */
export function toHeaderMap(headers: IncomingHttpHeaders | Headers | Record<string, string>): HeaderMap {
  const map = new HeaderMap();
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, key) => map.set(key, value));
    return map;
  }
  for (const [key, value] of Object.entries(headers as IncomingHttpHeaders)) {
    if (value === undefined) continue;
    map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}
