/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`, `npm run bench:hardening -- --cpu-prof DIR`):
 * self time by file and by function, and each function's callers. Not a test: it prints tables.
 *
 *   tsx bench/profileSummary.ts on.cpuprofile[:REQUESTS] [off.cpuprofile[:REQUESTS]] [--top N] [--callers NAME]
 *
 * With `:REQUESTS` (what the process served; the bench prints it) the times are per request, in
 * microseconds, so two processes that served different counts compare; given two profiles, each
 * row shows both and the difference (first minus second), largest difference first.
 */
import fs from 'node:fs';
import { option } from './options.ts';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One profile's self time (µs, or µs per request) by key, and the total. */
interface Tally {
  readonly byFile: Map<string, number>;
  readonly byFunction: Map<string, number>;
  /** Total time (self and callees) by function, recursion counted once. */
  readonly inclusive: Map<string, number>;
  /** Self time of `--callers` NAME by its calling function. */
  readonly callers: Map<string, number>;
  readonly total: number;
}

/** The file of a frame, shortened to what tells it apart: the package, or the path in the project. */
function fileOf(url: string): string {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const project = url.indexOf('/main/');
  return project === -1 ? url.replace(/^file:\/\//, '') : url.slice(project + '/main/'.length);
}

function functionOf(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${fileOf(frame.url)}:${frame.lineNumber + 1}`;
}

function tally(file: string, requests: number, callersOf: string): Tally {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const callers = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value / requests);
  let total = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const name = functionOf(node.callFrame);
    add(byFile, fileOf(node.callFrame.url), micros);
    add(byFunction, name, micros);
    total += micros / requests;
    if (callersOf && name.includes(callersOf)) {
      const caller = parent.has(id) ? byId.get(parent.get(id)!)! : undefined;
      add(callers, caller ? functionOf(caller.callFrame) : '(root)', micros);
    }
  }
  // Each node's subtree time, added to every function on its path once (a recursive function's time is not counted twice).
  const inclusive = new Map<string, number>();
  const root = profile.nodes.find((node) => !parent.has(node.id))!;
  const subtree = (node: ProfileNode, onPath: ReadonlySet<string>): number => {
    const name = functionOf(node.callFrame);
    const path = onPath.has(name) ? onPath : new Set([...onPath, name]);
    let time = self.get(node.id) ?? 0;
    for (const child of node.children ?? []) time += subtree(byId.get(child)!, path);
    if (path !== onPath) add(inclusive, name, time);
    return time;
  };
  subtree(root, new Set());
  return { byFile, byFunction, inclusive, callers, total };
}

function print(title: string, maps: readonly Map<string, number>[], top: number): void {
  const keys = new Set(maps.flatMap((map) => [...map.keys()]));
  const rows = [...keys].map((key) => {
    const values = maps.map((map) => map.get(key) ?? 0);
    return { key, values, difference: values.length === 2 ? values[0]! - values[1]! : values[0]! };
  });
  rows.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));
  console.log(`\n${title}`);
  for (const { key, values, difference } of rows.slice(0, top)) {
    const columns = values.map((value) => value.toFixed(1).padStart(10)).join('');
    console.log(`${columns}${values.length === 2 ? difference.toFixed(1).padStart(10) : ''}  ${key}`);
  }
}

const top = Number(option('top', '25'));
const callersOf = option('callers', '');
const files = process.argv.slice(2).filter((arg, index, all) => !arg.startsWith('--') && !all[index - 1]?.startsWith('--'));
if (files.length === 0 || files.length > 2) {
  console.error('usage: tsx bench/profileSummary.ts a.cpuprofile[:REQUESTS] [b.cpuprofile[:REQUESTS]] [--top N] [--callers NAME]');
  process.exit(2);
}
const tallies = files.map((spec) => {
  const match = /^(.*?):(\d+)$/.exec(spec);
  return tally(match ? match[1]! : spec, match ? Number(match[2]) : 1, callersOf);
});
const unit = files.every((spec) => /:\d+$/.test(spec)) ? 'µs per request' : 'µs';
console.log(`total self time (${unit}): ${tallies.map((t) => t.total.toFixed(1)).join(' vs ')}`);
print(
  `self time by file (${unit})`,
  tallies.map((t) => t.byFile),
  top,
);
print(
  `self time by function (${unit})`,
  tallies.map((t) => t.byFunction),
  top,
);
print(
  `total time by function, callees included (${unit})`,
  tallies.map((t) => t.inclusive),
  top,
);
if (callersOf)
  print(
    `callers of ${callersOf} (${unit})`,
    tallies.map((t) => t.callers),
    top,
  );
