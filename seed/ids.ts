/**
 * Canonical opaque IDs: a type prefix and a zero-padded counter (`acc_00001`). The width is a
 * minimum, so scale l may outgrow it (`con_120000`); IDs stay unique, only their sort order
 * stops matching creation order.
 */

const ID_WIDTHS = {
  le: 2,
  tax: 2,
  per: 4,
  rc: 3,
  rcl: 4,
  bp: 5,
  acc: 5,
  con: 5,
  opp: 5,
  ol: 5,
  ctr: 5,
  rol: 2,
  res: 4,
  prj: 5,
  cl: 5,
  ms: 5,
  asg: 5,
  rr: 5,
  tc: 6,
  te: 7,
  exp: 6,
  bd: 5,
  bdi: 6,
  inv: 6,
  invl: 7,
  pay: 5,
  pap: 5,
  rs: 5,
  rsl: 6,
} as const;

export type IdPrefix = keyof typeof ID_WIDTHS;

export function formatId(prefix: IdPrefix, n: number): string {
  return `${prefix}_${String(n).padStart(ID_WIDTHS[prefix], '0')}`;
}

/** Hands out `prefix_0001`, `prefix_0002`, … in call order. */
export class IdSequence {
  private counter = 0;
  constructor(private readonly prefix: IdPrefix) {}

  next(): string {
    this.counter += 1;
    return formatId(this.prefix, this.counter);
  }

  get issued(): number {
    return this.counter;
  }
}
