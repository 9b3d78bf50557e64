/**
 * A CPU profile of a window of a process's life, for `npm run bench:hardening -- --cpu-prof DIR`:
 * loaded with `node --import tsx --import ./bench/profileOnSignal.ts`, it starts V8's profiler at
 * the first SIGUSR2 and writes `$BENCH_CPU_PROFILE` at the second, so the profile holds the
 * measured load only, not the start (registry composition, schema build) nor the warm-up.
 * `bench/profileSummary.ts` reads it.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.BENCH_CPU_PROFILE;
if (!target) throw new Error('profileOnSignal: set BENCH_CPU_PROFILE to the file to write');

const session = new Session();
session.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    session.post(method, params, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    }),
  );

let profiling = false;
process.on('SIGUSR2', () => {
  if (!profiling) {
    profiling = true;
    void post('Profiler.enable').then(() => post('Profiler.start'));
    return;
  }
  profiling = false;
  void post('Profiler.stop').then((result) => {
    fs.writeFileSync(target, JSON.stringify((result as { profile: object }).profile));
    process.stderr.write(`profileOnSignal: wrote ${target}\n`);
  });
});
