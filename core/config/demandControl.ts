/**
 * Demand control and the execution deadline (docs/demand-control.md#configuration):
 * - `TESSERA_COST_MODE` (`enforce`): `enforce` refuses an operation whose estimated cost is over the
 *   client's budget (COST_ESTIMATED_TOO_EXPENSIVE, 400); `measure` computes and reports the cost, never refuses.
 * - `TESSERA_COST_MAX` (100000): the budget of every client without its own.
 * - `TESSERA_COST_BUDGETS` (none): per-client budgets, `client=budget,client2=budget`, keyed by the
 *   verified token's `client_id` (`anonymous` for requests without a token, `unidentified` for tokens without one).
 * - `TESSERA_COST_LIST_SIZE` (10): the size assumed for a list field that declares no `@listSize`.
 * - `TESSERA_COST_REPORT` (`off`): `on` adds `extensions.cost` = { estimated, actual, max } to every response.
 * - `TESSERA_EXECUTION_TIMEOUT_MS` (30000): how long one operation may run before it is answered with
 *   OPERATION_TIMEOUT (504) and its subgraph calls are aborted.
 */
import { timerMs } from './timerMs.ts';
import { oneOf, wholeNumber } from './parse.ts';

export interface DemandControlConfig {
  /** `TESSERA_COST_MODE`. @default 'enforce' */
  readonly mode: 'enforce' | 'measure';
  /** `TESSERA_COST_MAX`: the default budget. @default 100000 */
  readonly max: number;
  /** `TESSERA_COST_BUDGETS`: budgets by client id. @default {} */
  readonly budgets: Readonly<Record<string, number>>;
  /** `TESSERA_COST_LIST_SIZE`: the assumed size of a list field without `@listSize`. @default 10 */
  readonly defaultListSize: number;
  /** `TESSERA_COST_REPORT`: `extensions.cost` in responses. @default false */
  readonly report: boolean;
  /** `TESSERA_EXECUTION_TIMEOUT_MS`: the deadline of one operation. @default 30000 */
  readonly executionTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const CLIENT_BUDGET = /^([^=,\s]+)\s*=\s*(\d+)$/;

export function readDemandControlConfig(env: Env): DemandControlConfig {
  const mode = oneOf(env, 'TESSERA_COST_MODE', ['enforce', 'measure'], 'enforce');
  // Off unless asked for, in development too (as Apollo Router, which reports cost only when configured):
  // responses keep the shape clients and their tests expect, and production does not show every client
  // how the gateway weighs its operations. docs/demand-control.md#reporting.
  const report = env.TESSERA_COST_REPORT?.trim() || 'off';
  if (report !== 'on' && report !== 'off') throw new TypeError(`TESSERA_COST_REPORT must be on or off; got ${JSON.stringify(report)}`);
  return Object.freeze({
    mode,
    max: wholeNumber(env, 'TESSERA_COST_MAX', 100_000, 1),
    budgets: budgets(env.TESSERA_COST_BUDGETS?.trim() ?? ''),
    defaultListSize: wholeNumber(env, 'TESSERA_COST_LIST_SIZE', 10, 1),
    report: report === 'on',
    executionTimeoutMs: timerMs('TESSERA_EXECUTION_TIMEOUT_MS', wholeNumber(env, 'TESSERA_EXECUTION_TIMEOUT_MS', 30_000, 1)),
  });
}

/** `client=budget,client2=budget`: each client once, each budget a whole number. */
function budgets(raw: string): Readonly<Record<string, number>> {
  const result: Record<string, number> = {};
  if (!raw) return Object.freeze(result);
  for (const entry of raw.split(',')) {
    const match = CLIENT_BUDGET.exec(entry.trim());
    const budget = Number(match?.[2]);
    if (!match || !Number.isSafeInteger(budget)) {
      throw new TypeError(`TESSERA_COST_BUDGETS must be client=budget pairs separated by commas; got ${JSON.stringify(entry.trim())}`);
    }
    if (Object.hasOwn(result, match[1]!)) throw new TypeError(`TESSERA_COST_BUDGETS names client ${JSON.stringify(match[1])} twice`);
    result[match[1]!] = budget;
  }
  return Object.freeze(result);
}
