/**
 * Reading both CRMs while one does not answer (docs/crosswalk.md#one-crm-out). A record lives in one
 * CRM only (Tessera mints its ids; a merge links records, it moves none), and a record under a deal,
 * a contract or an account lives in that parent's CRM. So an answer from the CRM that is up is whole
 * when that CRM holds every record asked for by id, or every parent of the records asked for: the
 * CRM that is out cannot hold any of them. Otherwise the CRM that is out may hold a part of the
 * answer, and the read fails as that CRM failed (DOWNSTREAM_UNAVAILABLE): never a NOT_FOUND or a
 * short list that only means "the other CRM did not answer".
 */
import { GraphQLError } from 'graphql';
import type { CrmReadPort } from '../../ports/readPort.ts';

/** Whether `error` is a CRM that did not answer (a vendor failure, time-out or limit), not a fault of the request. */
export function isCrmOut(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === 'DOWNSTREAM_UNAVAILABLE';
}

/** Each system's answer to one read: its records, the read ports that answered, and the first failure of one that did not. */
export interface Answers<T> {
  readonly records: T[];
  readonly up: readonly CrmReadPort[];
  readonly failure: { readonly error: unknown } | null;
}

/** `read` on every system at once; a CRM that is out is noted, any other error is thrown. */
export async function askEach<T>(ports: readonly CrmReadPort[], read: (port: CrmReadPort) => Promise<readonly T[]>): Promise<Answers<T>> {
  const settled = await Promise.allSettled(ports.map(read));
  const records: T[] = [];
  const up: CrmReadPort[] = [];
  let failure: { error: unknown } | null = null;
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') {
      records.push(...outcome.value);
      up.push(ports[index]!);
    } else if (!isCrmOut(outcome.reason)) {
      throw outcome.reason;
    } else {
      failure ??= { error: outcome.reason };
    }
  });
  return { records, up, failure };
}

/**
 * The records of `answers`, when they are whole: every system answered, or `holdsAll(up)` says the
 * systems that answered hold everything asked. Otherwise the failure of the system that is out.
 */
export async function whole<T>(answers: Answers<T>, holdsAll: (up: readonly CrmReadPort[]) => Promise<boolean>): Promise<T[]> {
  if (!answers.failure) return answers.records;
  if (answers.up.length > 0 && (await holdsAll(answers.up))) return answers.records;
  throw answers.failure.error;
}

/** Whether the systems that answered hold every id of `ids`, read by `byIds` (an empty list holds all). */
export async function holdEvery(
  up: readonly CrmReadPort[],
  ids: readonly string[],
  byIds: (port: CrmReadPort, ids: readonly string[]) => Promise<readonly { readonly id: string }[]>,
): Promise<boolean> {
  const held = new Set((await Promise.all(up.map((port) => byIds(port, ids)))).flat().map((record) => record.id));
  return ids.every((id) => held.has(id));
}
