/**
 * The HubSpot stand-in's records: objects per type with HubSpot's ids, unique properties, the
 * read-only `hs_object_id` / `createdate` / `hs_lastmodifieddate`, and v4 associations. The
 * documented behaviours it keeps: a unique property value is held by one object only (409
 * CONFLICT), an unknown property is refused (400 VALIDATION_ERROR), an empty value clears a
 * property. Shapes: https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
import { DEFAULT_ASSOCIATION_TYPES, PORTAL_PROPERTIES, READ_ONLY, UNIQUE_PROPERTIES } from './fixtures.ts';

export interface StoredObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** A documented error answer: https://developers.hubspot.com/docs/api/error-handling */
export class StandInError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TYPE_ALIASES: Readonly<Record<string, string>> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals', '0-8': 'line_items' };

export class Portal {
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly links = new Map<string, Set<string>>();
  private nextId = 1000;
  /** `<type>|<unique property>` → value → the object holding it (kept by create, update and remove). */
  private readonly holders = new Map<string, Map<string, StoredObject>>();
  /** Every write, as `<verb>:<type>` (for assertions on how many writes a call made). */
  readonly writes: string[] = [];
  /** Every search answered: the object type, the request body, and how many results it answered. */
  readonly searches: { readonly type: string; readonly request: unknown; readonly results: number }[] = [];

  constructor(readonly now: () => Date = () => new Date()) {}

  typeOf(name: string): string {
    const type = TYPE_ALIASES[name] ?? name;
    if (!PORTAL_PROPERTIES[type]) throw new StandInError(404, 'OBJECT_NOT_FOUND', `Unable to infer object type from: ${name}`);
    return type;
  }

  all(type: string): StoredObject[] {
    return [...this.table(type).values()];
  }

  find(type: string, idProperty: string, value: string): StoredObject | undefined {
    if (idProperty === 'hs_object_id') return this.table(type).get(value);
    if (UNIQUE_PROPERTIES.includes(idProperty)) return this.holders.get(`${type}|${idProperty}`)?.get(value);
    for (const object of this.table(type).values()) if (object.properties[idProperty] === value) return object;
    return undefined;
  }

  /** `id`: a record the portal held before the test (a seeded HubSpot record keeps its id). */
  create(type: string, properties: Readonly<Record<string, string | null>>, id: string = String(++this.nextId)): StoredObject {
    const values = this.checked(type, properties, null);
    const at = this.now().toISOString();
    const object = {
      id,
      properties: { ...values, hs_object_id: id, createdate: at, hs_lastmodifieddate: at },
      createdAt: at,
      updatedAt: at,
    };
    this.table(type).set(id, object);
    this.hold(type, object);
    this.writes.push(`create:${type}`);
    return object;
  }

  /** Archives the object (a person deleted it, or merged it into another): the API no longer finds it. */
  remove(type: string, id: string): void {
    const object = this.table(type).get(id);
    if (object) this.release(type, object);
    this.table(type).delete(id);
  }

  update(type: string, object: StoredObject, properties: Readonly<Record<string, string | null>>): StoredObject {
    const values = this.checked(type, properties, object.id);
    const at = this.now().toISOString();
    this.release(type, object);
    for (const [name, value] of Object.entries(values)) {
      if (value === '') delete object.properties[name];
      else object.properties[name] = value;
    }
    this.hold(type, object);
    object.properties.hs_lastmodifieddate = at;
    object.updatedAt = at;
    this.writes.push(`update:${type}`);
    return object;
  }

  associate(fromType: string, fromId: string, toType: string, toId: string): number {
    if (!this.table(fromType).has(fromId) || !this.table(toType).has(toId))
      throw new StandInError(404, 'OBJECT_NOT_FOUND', `No ${fromType} ${fromId} or ${toType} ${toId}`);
    const typeId = DEFAULT_ASSOCIATION_TYPES[`${fromType}/${toType}`];
    if (typeId === undefined) throw new StandInError(400, 'VALIDATION_ERROR', `No default association from ${fromType} to ${toType}`);
    this.link(`${fromType}/${fromId}/${toType}`, toId);
    this.link(`${toType}/${toId}/${fromType}`, fromId);
    this.writes.push(`associate:${fromType}/${toType}`);
    return typeId;
  }

  associated(fromType: string, fromId: string, toType: string): string[] {
    return [...(this.links.get(`${fromType}/${fromId}/${toType}`) ?? [])].sort();
  }

  private link(key: string, id: string): void {
    const set = this.links.get(key) ?? new Set<string>();
    set.add(id);
    this.links.set(key, set);
  }

  private table(type: string): Map<string, StoredObject> {
    const table = this.objects.get(type) ?? new Map<string, StoredObject>();
    this.objects.set(type, table);
    return table;
  }

  private hold(type: string, object: StoredObject): void {
    for (const name of UNIQUE_PROPERTIES) {
      const value = object.properties[name];
      if (!value) continue;
      const key = `${type}|${name}`;
      if (!this.holders.has(key)) this.holders.set(key, new Map());
      this.holders.get(key)!.set(value, object);
    }
  }

  private release(type: string, object: StoredObject): void {
    for (const name of UNIQUE_PROPERTIES) {
      const value = object.properties[name];
      if (value && this.holders.get(`${type}|${name}`)?.get(value) === object) this.holders.get(`${type}|${name}`)!.delete(value);
    }
  }

  /** The values a write may set: known, writable, unique where they must be. */
  private checked(type: string, properties: Readonly<Record<string, string | null>>, selfId: string | null): Record<string, string> {
    const known = PORTAL_PROPERTIES[type]!;
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(properties)) {
      if (READ_ONLY.includes(name) || !known.includes(name))
        throw new StandInError(400, 'VALIDATION_ERROR', `Property values were not valid: Property "${name}" does not exist`, {
          propertyName: [name],
        });
      values[name] = value ?? '';
    }
    for (const name of UNIQUE_PROPERTIES) {
      const value = values[name];
      if (!value) continue;
      const holder = this.find(type, name, value);
      if (holder && holder.id !== selfId)
        throw new StandInError(
          409,
          'CONFLICT',
          `A ${type} object with the value ${value} for the unique property ${name} already exists: ${holder.id}`,
          {
            id: [holder.id],
          },
        );
    }
    return values;
  }
}
