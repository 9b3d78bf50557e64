/**
 * An in-memory stand-in for a vendor's record API (Salesforce sObjects, NetSuite records, HubSpot
 * objects): what a remote adapter talks to in the contract suites, in the demo and in tests.
 * It behaves like those APIs where it matters for exactly-once writes:
 *
 * - records live per object type, each with a vendor-assigned id and an optional `externalId`,
 *   unique per object type (a create with a taken external id is refused, like Salesforce's
 *   DUPLICATE_VALUE or NetSuite's duplicate externalId), and can be found by it;
 * - updates can be conditional on a record's version (optimistic concurrency);
 * - a call can fail (nothing written), commit and then lose its answer (the caller times out, the
 *   write stands), or answer late (the caller gave up before the answer; the write stands).
 *
 * Faults are scripted per call (`faults.next(...)`): no timers, no randomness, so tests are exact.
 */

export type VendorFields = Readonly<Record<string, unknown>>;

export interface VendorRecord<F extends VendorFields = VendorFields> {
  readonly id: string;
  readonly externalId: string | null;
  readonly version: number;
  readonly fields: F;
}

/** What the next matching call does instead of answering normally. */
export type VendorFault =
  /** Refused before any effect: the API is down or answered 5xx. */
  | { readonly kind: 'fail' }
  /** The write commits, then the answer is lost (connection reset, client timeout). */
  | { readonly kind: 'timeoutAfterCommit' }
  /**
   * The write commits; its answer arrives only when the test calls `release()`. The caller's own
   * timeout (the adapter's `VendorClient`) decides whether it still waits for it.
   */
  | { readonly kind: 'late'; readonly answered: Promise<void> };

/** A vendor API failure as the vendor client reports it; adapters turn it into DOWNSTREAM_UNAVAILABLE. */
export class VendorUnavailable extends Error {
  constructor(
    readonly operation: string,
    readonly reason: 'failed' | 'timeout',
  ) {
    super(`vendor ${operation} ${reason === 'failed' ? 'failed' : 'timed out'}`);
    this.name = 'VendorUnavailable';
  }
}

/** A create whose external id another record of the type already holds. */
export class VendorDuplicateExternalId extends Error {
  constructor(
    readonly objectType: string,
    readonly externalId: string,
    readonly existingId: string,
  ) {
    super(`${objectType} with externalId ${externalId} already exists (${existingId})`);
    this.name = 'VendorDuplicateExternalId';
  }
}

/** A conditional update whose expected version is not the record's. */
export class VendorVersionMismatch extends Error {
  constructor(
    readonly objectType: string,
    readonly id: string,
  ) {
    super(`${objectType} ${id} changed`);
    this.name = 'VendorVersionMismatch';
  }
}

interface ScriptedFault {
  readonly matches: (operation: string) => boolean;
  readonly fault: VendorFault;
}

export class InMemoryVendor {
  readonly #objects = new Map<string, Map<string, VendorRecord>>();
  readonly #byExternalId = new Map<string, Map<string, string>>();
  readonly #faults: ScriptedFault[] = [];
  #sequence = 0;
  /** Every call the vendor received, in order (`create:Opportunity`, `get:Opportunity`, ...). */
  readonly calls: string[] = [];

  /** Scripts the next call whose operation matches (`'create:Invoice'`, or a predicate) to fail as `fault`. */
  failNext(operation: string | ((operation: string) => boolean), fault: VendorFault = { kind: 'fail' }): void {
    this.#faults.push({ matches: typeof operation === 'string' ? (op) => op === operation : operation, fault });
  }

  /** A write that commits now and answers when the returned `release` is called. */
  answerLate(operation: string | ((operation: string) => boolean)): { release: () => void } {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.failNext(operation, { kind: 'late', answered });
    return { release };
  }

  async create<F extends VendorFields>(objectType: string, fields: F, externalId: string | null = null): Promise<VendorRecord<F>> {
    return this.#call(`create:${objectType}`, true, () => {
      if (externalId !== null) {
        const existing = this.#externalIndex(objectType).get(externalId);
        if (existing !== undefined) throw new VendorDuplicateExternalId(objectType, externalId, existing);
      }
      const record: VendorRecord<F> = { id: `${objectType}-${String(++this.#sequence).padStart(6, '0')}`, externalId, version: 1, fields };
      this.#table(objectType).set(record.id, record);
      if (externalId !== null) this.#externalIndex(objectType).set(externalId, record.id);
      return record;
    });
  }

  /** Sets `fields` on a record (merged), if it is still at `expectedVersion` when one is given. */
  async update<F extends VendorFields>(
    objectType: string,
    id: string,
    fields: Partial<F>,
    expectedVersion?: number,
  ): Promise<VendorRecord<F>> {
    return this.#call(`update:${objectType}`, true, () => {
      const current = this.#table(objectType).get(id);
      if (!current || (expectedVersion !== undefined && current.version !== expectedVersion))
        throw new VendorVersionMismatch(objectType, id);
      const next: VendorRecord = { ...current, version: current.version + 1, fields: { ...current.fields, ...fields } };
      this.#table(objectType).set(id, next);
      return next as VendorRecord<F>;
    });
  }

  async get<F extends VendorFields>(objectType: string, ids: readonly string[]): Promise<VendorRecord<F>[]> {
    return this.#call(`get:${objectType}`, false, () =>
      ids.flatMap((id) => {
        const record = this.#table(objectType).get(id);
        return record ? [record as VendorRecord<F>] : [];
      }),
    );
  }

  async findByExternalId<F extends VendorFields>(objectType: string, externalId: string): Promise<VendorRecord<F> | null> {
    return this.#call(`find:${objectType}`, false, () => {
      const id = this.#externalIndex(objectType).get(externalId);
      return id === undefined ? null : ((this.#table(objectType).get(id) as VendorRecord<F> | undefined) ?? null);
    });
  }

  /** Every record of the type matching `where`, in id order (a SOQL/SuiteQL query). */
  async query<F extends VendorFields>(
    objectType: string,
    where: (record: VendorRecord<F>) => boolean = () => true,
  ): Promise<VendorRecord<F>[]> {
    return this.#call(
      `query:${objectType}`,
      false,
      () =>
        [...this.#table(objectType).values()]
          .filter((record) => where(record as VendorRecord<F>))
          .sort((a, b) => (a.id < b.id ? -1 : 1)) as VendorRecord<F>[],
    );
  }

  /** How many records of the type exist (for tests: "exactly one invoice"). No fault applies. */
  count(objectType: string, where: (record: VendorRecord) => boolean = () => true): number {
    return [...this.#table(objectType).values()].filter(where).length;
  }

  async #call<T>(operation: string, writes: boolean, run: () => T): Promise<T> {
    this.calls.push(operation);
    const index = this.#faults.findIndex((scripted) => scripted.matches(operation));
    const fault = index === -1 ? null : this.#faults.splice(index, 1)[0]!.fault;
    if (fault?.kind === 'fail') throw new VendorUnavailable(operation, 'failed');
    const result = run();
    if (fault?.kind === 'timeoutAfterCommit') throw new VendorUnavailable(operation, writes ? 'timeout' : 'failed');
    if (fault?.kind === 'late') await fault.answered;
    return structuredClone(result);
  }

  #table(objectType: string): Map<string, VendorRecord> {
    let table = this.#objects.get(objectType);
    if (!table) this.#objects.set(objectType, (table = new Map()));
    return table;
  }

  #externalIndex(objectType: string): Map<string, string> {
    let index = this.#byExternalId.get(objectType);
    if (!index) this.#byExternalId.set(objectType, (index = new Map()));
    return index;
  }
}
