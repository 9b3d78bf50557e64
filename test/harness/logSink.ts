import { Writable } from 'node:stream';

/** A pino destination that keeps every record, parsed, so tests assert on structured logs. */
export function logSink() {
  const records: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        raw.push(line);
        records.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, records, raw };
}
