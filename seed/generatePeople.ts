/**
 * Step 2: the firm's people. Billable employees, contractors and subcontractors deliver; the
 * non-billable staff (one delivery director per legal entity at least) approve internal time and
 * stand in as approver when a project manager would approve their own timecard.
 */
import { apportion } from './apportion.ts';
import { EMPLOYEE_COST_SHARE, RATE_STEP } from './catalog.ts';
import type { Reference } from './generateReference.ts';
import { rateOn } from './generateReference.ts';
import { must, type ResourceKind, type ResourcePlan, type SeedContext } from './model.ts';
import { personName } from './personName.ts';

/** The resources, and who approves when a project manager cannot. */
export interface People {
  readonly resources: readonly ResourcePlan[];
  /** The delivery director (a non-billable resource) of each legal entity. */
  readonly directorOf: readonly number[];
}

/** Target billable utilization by role level (docs/metrics.md#utilization: juniors ~0.8, partners ~0.3–0.5). */
const TARGET_BY_LEVEL = [0, 0.8, 0.8, 0.75, 0.7, 0.6, 0.45, 0.35];

/** Writes the resources of every legal entity (headcount split by the catalogue's weights). */
export function generatePeople(ctx: SeedContext, ref: Reference): People {
  const rng = ctx.rng.fork('people');
  const { people } = ctx.profile;
  const les = ref.les;
  const peopleWeights = les.map((le) => le.spec.peopleWeight);
  // Contractors and subcontractors are hired onshore, where the customers are.
  const onshoreWeights = les.map((le) => (le.spec.deliveryCentre ? 0 : le.spec.peopleWeight));
  const counts: Record<ResourceKind, number[]> = {
    BILLABLE: apportion(people.billableEmployees, peopleWeights),
    NON_BILLABLE: apportion(people.nonBillable - les.length, peopleWeights).map((n) => n + 1),
    CONTRACTOR: apportion(people.contractors, onshoreWeights),
    SUBCONTRACTOR: apportion(people.subcontractors, onshoreWeights),
  };
  const roleWeights = ref.roles.map((role) => [role.index, role.spec.headcountWeight] as const);
  const directorRole = ref.roles.reduce((best, role) => (role.spec.level > best.spec.level && role.spec.level <= 6 ? role : best));
  const managerRole = ref.roles.find((role) => role.spec.name === 'Manager') ?? directorRole;
  const emails = new Set<string>();
  const resources: ResourcePlan[] = [];
  const directorOf: number[] = [];

  for (const le of les) {
    for (const kind of ['NON_BILLABLE', 'BILLABLE', 'CONTRACTOR', 'SUBCONTRACTOR'] as const) {
      const count = must(counts[kind][le.index], 'headcount');
      for (let n = 0; n < count; n++) {
        const isDirector = kind === 'NON_BILLABLE' && n === 0;
        const role = isDirector ? directorRole.index : kind === 'NON_BILLABLE' ? managerRole.index : rng.weighted(roleWeights);
        const roleSpec = must(ref.roles[role], 'role').spec;
        const onLeave = kind === 'BILLABLE' && rng.chance(0.012);
        const bookable = kind !== 'NON_BILLABLE' && !onLeave;
        const standard = rateOn(must(ref.standardCards[le.index], 'standard card'), role, ctx.cal.asOf);
        const costShare =
          kind === 'SUBCONTRACTOR'
            ? rng.float(0.7, 0.85)
            : kind === 'CONTRACTOR'
              ? rng.float(0.6, 0.7)
              : EMPLOYEE_COST_SHARE * rng.float(0.9, 1.1);
        const step = RATE_STEP[le.currency] ?? 5;
        const costE4 = Math.max(step, Math.round(((standard.billE4 / 10_000) * costShare) / step) * step) * 10_000;
        const target =
          kind === 'NON_BILLABLE' ? 0 : kind === 'SUBCONTRACTOR' || kind === 'CONTRACTOR' ? 0.9 : (TARGET_BY_LEVEL[roleSpec.level] ?? 0.7);
        const plan: ResourcePlan = {
          index: resources.length,
          id: ctx.nextId('res'),
          kind,
          le: le.index,
          role,
          bookable,
          costE4,
          assignments: [],
        };
        resources.push(plan);
        if (isDirector) directorOf[le.index] = plan.index;
        const name = personName(rng);
        ctx.data.psa.resources.push({
          id: plan.id,
          name: `${name.first} ${name.last}`,
          email: uniqueEmail(emails, name, kind === 'SUBCONTRACTOR' ? `partners.${le.spec.domain}` : le.spec.domain),
          employment_type: kind === 'CONTRACTOR' ? 'CONTRACTOR' : kind === 'SUBCONTRACTOR' ? 'SUBCONTRACTOR_VIA_VENDOR' : 'EMPLOYEE',
          status: onLeave ? 'ON_LEAVE' : 'ACTIVE',
          home_legal_entity_id: le.id,
          primary_role_id: must(ref.roles[role], 'role').id,
          utilization_target_e4: Math.round(target * 20) * 500,
          is_bookable: bookable ? 1 : 0,
          cost_rate_e4: costE4,
          cost_currency: le.currency,
        });
      }
    }
  }
  return { resources, directorOf };
}

function uniqueEmail(used: Set<string>, name: { first: string; last: string }, domain: string): string {
  const base = `${name.first}.${name.last}`.toLowerCase();
  let email = `${base}@${domain}`;
  for (let n = 2; used.has(email); n++) email = `${base}${n}@${domain}`;
  used.add(email);
  return email;
}
