/**
 * How one canonical field is kept in Salesforce fields and read back (docs/connectors.md#salesforce-objects):
 * each codec names the SOQL fields it reads and the body fields it writes, so one object map gives
 * the SELECT list, the record read back and the upsert body. Money is the canonical e4 integer as a
 * Salesforce currency number with the record's `CurrencyIsoCode`; enums are kept as Salesforce
 * spells picklist values (`NEW_BUSINESS` ↔ `New Business`).
 */
export type SfRecord = Readonly<Record<string, unknown>>;

export interface FieldCodec<V> {
  /** The SOQL fields it reads (`Amount`, `Account.Tessera_Id__c`). */
  readonly select: readonly string[];
  read(record: SfRecord): V;
  /** The body fields of an upsert; null/undefined values are written as null (cleared). */
  write(value: V): Record<string, unknown>;
}

/** A value at a SOQL path (`Account.Tessera_Id__c`) of a query record: relationships are nested objects. */
export function at(record: SfRecord, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || value === undefined) return null;
    value = (value as SfRecord)[part];
  }
  return value ?? null;
}

export const text = (field: string): FieldCodec<string> => ({
  select: [field],
  read: (record) => String(at(record, field) ?? ''),
  write: (value) => ({ [field]: value }),
});

export const optionalText = (field: string): FieldCodec<string | null> => ({
  select: [field],
  read: (record) => {
    const value = at(record, field);
    return value === null || value === '' ? null : String(value);
  },
  write: (value) => ({ [field]: value }),
});

export const int = (field: string): FieldCodec<number> => ({
  select: [field],
  read: (record) => Number(at(record, field) ?? 0),
  write: (value) => ({ [field]: value }),
});

export const optionalInt = (field: string): FieldCodec<number | null> => ({
  select: [field],
  read: (record) => {
    const value = at(record, field);
    return value === null ? null : Number(value);
  },
  write: (value) => ({ [field]: value }),
});

/** Hundredths (hours) as a decimal number. */
export const optionalE2 = (field: string): FieldCodec<number | null> => ({
  select: [field],
  read: (record) => {
    const value = at(record, field);
    return value === null ? null : Math.round(Number(value) * 100);
  },
  write: (value) => ({ [field]: value === null ? null : value / 100 }),
});

/** Ten-thousandths as a currency number. */
export const e4 = (field: string): FieldCodec<number> => ({
  select: [field],
  read: (record) => Math.round(Number(at(record, field) ?? 0) * 10_000),
  write: (value) => ({ [field]: value / 10_000 }),
});

/** A canonical enum as a picklist value: `NEW_BUSINESS` ↔ `New Business`. */
export const picklist = (field: string): FieldCodec<string> => ({
  select: [field],
  read: (record) =>
    String(at(record, field) ?? '')
      .toUpperCase()
      .replace(/[\s-]+/g, '_'),
  write: (value) => ({
    [field]: value.toLowerCase().replace(/(^|_)([a-z])/g, (_, gap: string, c: string) => (gap ? ' ' : '') + c.toUpperCase()),
  }),
});

export const optionalPicklist = (field: string): FieldCodec<string | null> => {
  const codec = picklist(field);
  return {
    select: [field],
    read: (record) => (at(record, field) === null ? null : codec.read(record)),
    write: (value) => (value === null ? { [field]: null } : codec.write(value)),
  };
};

/** JSON kept in a long text area (a list Salesforce has no field type for). */
export const json = <V>(field: string): FieldCodec<V> => ({
  select: [field],
  read: (record) => JSON.parse(String(at(record, field) ?? 'null')) as V,
  write: (value) => ({ [field]: JSON.stringify(value) }),
});

/**
 * A reference to another record by Tessera's id: read through the relationship
 * (`Account.Tessera_Id__c`), written as Salesforce's relationship-by-external-id body
 * (`"Account": {"Tessera_Id__c": "acc_1"}`), so no Salesforce id has to be looked up first.
 * A referenced record Tessera never wrote reads as `<prefix>sf_<its Salesforce id>` (salesforceIds.ts).
 */
export const reference = (relationship: string, lookup: string, idField: string, prefix: string): FieldCodec<string> => ({
  select: [lookup, `${relationship}.${idField}`],
  read: (record) => canonicalIdOf(prefix, at(record, `${relationship}.${idField}`), at(record, lookup)),
  write: (value) => {
    const native = nativeIdOf(prefix, value);
    return native ? { [lookup]: native } : { [relationship]: { [idField]: value } };
  },
});

export const optionalReference = (relationship: string, lookup: string, idField: string, prefix: string): FieldCodec<string | null> => {
  const codec = reference(relationship, lookup, idField, prefix);
  return {
    select: codec.select,
    read: (record) => (at(record, lookup) === null ? null : codec.read(record)),
    write: (value) => (value === null ? { [lookup]: null } : codec.write(value)),
  };
};

/** Tessera's id of a record: its external id, else one made of its Salesforce id. */
export function canonicalIdOf(prefix: string, externalId: unknown, salesforceId: unknown): string {
  return typeof externalId === 'string' && externalId !== '' ? externalId : `${prefix}sf_${String(salesforceId)}`;
}

/** The Salesforce id inside a canonical id made of one (`acc_sf_001...`), else null. */
export function nativeIdOf(prefix: string, id: string): string | null {
  return id.startsWith(`${prefix}sf_`) ? id.slice(prefix.length + 3) : null;
}
