/**
 * The stand-in's records: per object, by Salesforce id, with the system fields Salesforce keeps
 * (`Id`, `CreatedDate`, `LastModifiedDate`, `SystemModstamp`) and the formula fields the adapter reads
 * (`IsClosed`, `IsWon` from the stage, as the org's OpportunityStage settings derive them). External
 * ID fields are unique per object; relationships (`Account.Tessera_Id__c`) are followed through
 * their lookup field (`AccountId`, `Contract__c`).
 */
export type Fields = Record<string, unknown>;

/** Relationship name → lookup field and target object. */
const RELATIONSHIPS: Readonly<Record<string, { readonly lookup: string; readonly object: string }>> = {
  Account: { lookup: 'AccountId', object: 'Account' },
  Parent: { lookup: 'ParentId', object: 'Account' },
  Opportunity: { lookup: 'OpportunityId', object: 'Opportunity' },
  Contract__r: { lookup: 'Contract__c', object: 'Contract' },
};

/** Salesforce id prefixes (key prefixes) of the objects. */
const KEY_PREFIX: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  Opportunity: '006',
  OpportunityLineItem: '00k',
  Contract: '800',
  Tessera_Contract_Amendment__c: 'a0A',
};

export const CLOSED_STAGES: Readonly<Record<string, boolean>> = { 'Closed Won': true, 'Closed Lost': false };

export class DuplicateValue extends Error {
  constructor(
    readonly field: string,
    readonly existingId: string,
  ) {
    super(`duplicate value found: ${field} duplicates value on record with id: ${existingId}`);
  }
}

export class ForeignKeyNotFound extends Error {}

export class SalesforceRecords {
  readonly #objects = new Map<string, Map<string, Fields>>();
  #sequence = 0;

  constructor(
    /** The External ID fields, unique per object. */
    readonly externalIdFields: readonly string[],
    /** The clock of `LastModifiedDate` and `SystemModstamp`. */
    readonly now: () => Date,
  ) {}

  table(object: string): Map<string, Fields> {
    let table = this.#objects.get(object);
    if (!table) this.#objects.set(object, (table = new Map()));
    return table;
  }

  /** The value at a SOQL path of a record: `Name`, `Account.Tessera_Id__c`. */
  valueAt(object: string, record: Fields, path: string): unknown {
    const dot = path.indexOf('.');
    if (dot === -1) return this.#field(object, record, path);
    const relationship = RELATIONSHIPS[path.slice(0, dot)];
    if (!relationship) throw new Error(`No such relationship: ${path}`);
    const target = this.table(relationship.object).get(String(record[relationship.lookup]));
    return target ? this.valueAt(relationship.object, target, path.slice(dot + 1)) : null;
  }

  #field(object: string, record: Fields, field: string): unknown {
    if (object === 'Opportunity' && field === 'IsClosed') return String(record.StageName) in CLOSED_STAGES;
    if (object === 'Opportunity' && field === 'IsWon') return CLOSED_STAGES[String(record.StageName)] === true;
    return record[field] ?? null;
  }

  /** A query answer's record: the selected fields, relationships as nested objects with `attributes`. */
  project(object: string, record: Fields, fields: readonly string[], apiPath: string): Fields {
    const out: Fields = { attributes: { type: object, url: `${apiPath}/sobjects/${object}/${String(record.Id)}` } };
    for (const path of fields) {
      const dot = path.indexOf('.');
      if (dot === -1) {
        out[path] = this.#field(object, record, path);
        continue;
      }
      const name = path.slice(0, dot);
      const relationship = RELATIONSHIPS[name]!;
      const target = this.table(relationship.object).get(String(record[relationship.lookup]));
      if (!target) {
        out[name] = null;
        continue;
      }
      const nested = (out[name] as Fields | undefined) ?? {
        attributes: { type: relationship.object, url: `${apiPath}/sobjects/${relationship.object}/${String(target.Id)}` },
      };
      nested[path.slice(dot + 1)] = this.#field(relationship.object, target, path.slice(dot + 1));
      out[name] = nested;
    }
    return out;
  }

  findBy(object: string, field: string, value: unknown): Fields | null {
    for (const record of this.table(object).values()) if (record[field] === value) return record;
    return null;
  }

  /** Creates or updates (by `Id`) a record from a request body: relationships by external id resolved, uniqueness checked. */
  write(object: string, body: Fields, existing: Fields | null): Fields {
    const fields: Fields = {};
    for (const [key, value] of Object.entries(body)) {
      const relationship = RELATIONSHIPS[key];
      if (relationship && value !== null && typeof value === 'object') {
        const [[field, external]] = Object.entries(value as Fields) as [[string, unknown]];
        const target = this.findBy(relationship.object, field, external);
        if (!target)
          throw new ForeignKeyNotFound(
            `Foreign key external ID: ${String(external)} not found for field ${field} in entity ${relationship.object}`,
          );
        fields[relationship.lookup] = target.Id;
      } else {
        fields[key] = value;
      }
    }
    for (const field of this.externalIdFields) {
      const value = fields[field];
      if (value === undefined || value === null) continue;
      const holder = this.findBy(object, field, value);
      if (holder && holder.Id !== existing?.Id) throw new DuplicateValue(field, String(holder.Id));
    }
    const stamp = salesforceDateTime(this.now());
    const record: Fields = existing
      ? { ...existing, ...fields, LastModifiedDate: stamp, SystemModstamp: stamp }
      : { ...fields, Id: this.#newId(object), CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp };
    this.table(object).set(String(record.Id), record);
    return record;
  }

  #newId(object: string): string {
    const prefix = KEY_PREFIX[object] ?? 'a0Z';
    return `${prefix}5g00000${String(++this.#sequence).padStart(8, '0')}`;
  }
}

/** Salesforce's datetime form in JSON answers: `2026-03-02T09:00:00.000+0000`. */
export function salesforceDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
