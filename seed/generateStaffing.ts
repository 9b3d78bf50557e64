/**
 * Step 5: staffing. Every customer project's demand is cut into seats (a role, a share of the
 * day, a date range); each seat is a resource request that the least disruptive free resource of
 * that role fills, so nobody is booked beyond a full day. Delivery-centre people (India) are in
 * the pool of every intercompany-enabled legal entity. Bill rates come from the project's rate
 * card version in force on the assignment's first day and stay locked for the assignment.
 */
import { countWeekdays, isoWeekday, mondayOf, type Day } from './calendar.ts';
import { extend } from '../systems/kernel/decimal.ts';
import type { People } from './generatePeople.ts';
import type { Portfolio } from './generatePortfolio.ts';
import { rateOn, type Reference } from './generateReference.ts';
import type { ResourceRequestSeedRow as ResourceRequestRow } from '../systems/psa/adapters/sql/tables.ts';
import { must, type AssignmentPlan, type ProjectPlan, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';

/** A staffed (or unstaffable) slice of a project's demand. */
interface Seat {
  readonly role: number;
  readonly start: Day;
  readonly end: Day;
  readonly alloc: number;
  readonly isPm: boolean;
}

/** Every assignment (customer and internal), by index. */
export interface Staffing {
  readonly assignments: readonly AssignmentPlan[];
}

const DAY_HOURS_E2 = 800;

/** Staffs every customer project and books internal assignments; writes assignments and requests. */
export function generateStaffing(ctx: SeedContext, ref: Reference, people: People, portfolio: Portfolio): Staffing {
  const rng = ctx.rng.fork('staffing');
  const { asOf } = ctx.cal;
  const { resources } = people;
  const customerProjects = portfolio.projects.filter((p) => p.kind === 'CUSTOMER');
  const base = mondayOf(Math.min(...customerProjects.map((p) => p.start)));
  const weeks = Math.ceil((Math.max(...customerProjects.map((p) => p.end)) - base) / 7) + 2;
  const load = resources.map(() => new Float64Array(weeks));

  // Candidate pools per (legal entity, role): own people first, then the delivery centre's.
  const pools = new Map<string, number[]>();
  const poolOf = (le: number, role: number) => pools.get(`${le}:${role}`) ?? [];
  for (const resource of resources) {
    if (!resource.bookable) continue;
    const key = `${resource.le}:${resource.role}`;
    pools.set(key, [...(pools.get(key) ?? []), resource.index]);
  }
  const centres = ref.les.filter((le) => le.spec.deliveryCentre).map((le) => le.index);
  const intercompany = ref.les.filter((le) => le.spec.intercompany).map((le) => le.index);
  const candidatesFor = (project: ProjectPlan, role: number): number[] => {
    const le = must(ref.les[project.le], 'le');
    const list = [...poolOf(le.index, role)];
    if (le.spec.intercompany) {
      for (const centre of centres) if (centre !== le.index) list.push(...poolOf(centre, role));
      // Now and then a colleague from another intercompany entity helps out.
      if (rng.chance(0.04)) for (const other of intercompany) if (other !== le.index) list.push(...poolOf(other, role));
    }
    return list;
  };
  const pmRoles = ['Project Manager', 'Engagement Manager', 'Manager']
    .map((name) => ref.roles.findIndex((r) => r.spec.name === name))
    .filter((i) => i >= 0);
  const seatRoleWeights = ref.roles.map((role) => [role.index, role.spec.headcountWeight * (role.spec.level >= 6 ? 0.3 : 1)] as const);

  const assignments: AssignmentPlan[] = [];
  const rows = ctx.data.psa;
  /** Writes the assignment (and its filled request) of a staffed seat. */
  const book = (
    project: ProjectPlan,
    seat: Seat,
    resourceIndex: number,
    alloc: number,
    status: string,
    billE4: number,
    requestStatus: (status: string) => ResourceRequestRow,
  ): void => {
    const resource = must(resources[resourceIndex], 'resource');
    const le = must(ref.les[project.le], 'le');
    const costCurrency = must(ref.les[resource.le], 'le').currency;
    const plan: AssignmentPlan = {
      index: assignments.length,
      id: ctx.nextId('asg'),
      project: project.index,
      resource: resource.index,
      role: seat.role,
      start: seat.start,
      end: seat.end,
      alloc,
      status,
      billRateE4: billE4,
      costE4: resource.costE4,
      costCurrency,
    };
    assignments.push(plan);
    resource.assignments.push(plan.index);
    project.assignments.push(plan.index);
    if (seat.isPm) project.pm = resource.index;
    rows.assignments.push({
      id: plan.id,
      project_id: project.id,
      resource_id: resource.id,
      role_id: must(ref.roles[seat.role], 'role').id,
      status,
      start_date: ctx.iso(seat.start),
      end_date: ctx.iso(seat.end),
      scheduled_hours_e2: countWeekdays(seat.start, seat.end) * DAY_HOURS_E2 * alloc,
      bill_rate_e4: billE4,
      // What the resource costs its home entity, in that entity's currency (as confirmAssignment records it).
      cost_rate_e4: resource.costE4,
      currency: le.currency,
      is_billable: 1,
      cost_currency: costCurrency === le.currency ? null : costCurrency,
    });
    const request = requestStatus(status === 'PROPOSED' ? 'HELD' : status === 'CANCELLED' ? 'CANCELLED' : 'FILLED');
    request.assignment_id = plan.id;
    rows.resource_requests.push(request);
  };
  const requestFor =
    (project: ProjectPlan, seat: Seat, hoursE2: number) =>
    (status: string): ResourceRequestRow => ({
      id: ctx.nextId('rr'),
      project_id: project.id,
      role_id: must(ref.roles[seat.role], 'role').id,
      start_date: ctx.iso(seat.start),
      end_date: ctx.iso(seat.end),
      hours_e2: hoursE2,
      status,
      assignment_id: null,
    });

  for (const project of customerProjects) {
    const le = must(ref.les[project.le], 'le');
    const seats = planSeats(rng, project, pmRoles, seatRoleWeights, (role) => candidatesFor(project, role).length > 0);
    const onProject = new Set<number>();
    let budgetHoursE2 = 0;
    let plannedRevenueE4 = 0;
    for (const seat of seats) {
      const hoursE2 = countWeekdays(seat.start, seat.end) * DAY_HOURS_E2 * seat.alloc;
      const card = must(project.rateCard, 'rate card');
      const billE4 = rateOn(card, seat.role, seat.start).billE4;
      const requestStatus = requestFor(project, seat, hoursE2);
      if (project.status === 'DRAFT' || project.status === 'CANCELLED') {
        rows.resource_requests.push(requestStatus(project.status === 'DRAFT' ? 'DRAFT' : 'CANCELLED'));
        budgetHoursE2 += hoursE2;
        plannedRevenueE4 += extend(hoursE2, billE4, project.rateCard?.currency ?? le.currency);
        continue;
      }
      const status = assignmentStatus(rng, project, seat, asOf);
      const pick = chooseResource(rng, candidatesFor(project, seat.role), onProject, load, base, seat);
      if (status !== 'CANCELLED') {
        budgetHoursE2 += hoursE2;
        plannedRevenueE4 += extend(hoursE2, billE4, le.currency);
      }
      if (!pick) {
        // Demand nobody could take: an open request (or one that lapsed with the project).
        const open = project.status === 'ACTIVE' || project.status === 'PLANNED' || project.status === 'ON_HOLD';
        rows.resource_requests.push(requestStatus(open && seat.end >= asOf ? 'OPEN' : 'CANCELLED'));
        continue;
      }
      onProject.add(pick.resource);
      if (status !== 'CANCELLED') addLoad(must(load[pick.resource], 'load'), base, seat.start, seat.end, pick.alloc);
      book(project, seat, pick.resource, pick.alloc, status, billE4, requestStatus);
    }
    if (project.pm < 0) project.pm = must(people.directorOf[project.le], 'director');
    project.budgetHoursE2 = budgetHoursE2;
    project.plannedRevenueE4 = plannedRevenueE4;
  }

  ensureIntercompany(ctx, ref, people, customerProjects, assignments, (project, seat, resource) => {
    const hoursE2 = countWeekdays(seat.start, seat.end) * DAY_HOURS_E2 * seat.alloc;
    const billE4 = rateOn(must(project.rateCard, 'rate card'), seat.role, seat.start).billE4;
    book(project, seat, resource, seat.alloc, 'ACTIVE', billE4, requestFor(project, seat, hoursE2));
    project.budgetHoursE2 += hoursE2;
    project.plannedRevenueE4 += extend(hoursE2, billE4, must(ref.les[project.le], 'le').currency);
  });

  // Internal projects: every billable employee can book bench, training and leave; senior people presales.
  for (const resource of resources) {
    if (resource.kind !== 'BILLABLE' || !resource.bookable) continue;
    const internal = must(portfolio.internalOf[resource.le], 'internal projects');
    const level = must(ref.roles[resource.role], 'role').spec.level;
    for (const kind of ['BENCH', 'ABSENCE', 'PRESALES'] as const) {
      const projectIndex = internal[kind];
      if (projectIndex === undefined || (kind === 'PRESALES' && level < 5)) continue;
      const project = must(portfolio.projects[projectIndex], 'internal project');
      const plan: AssignmentPlan = {
        index: assignments.length,
        id: ctx.nextId('asg'),
        project: project.index,
        resource: resource.index,
        role: resource.role,
        start: project.start,
        end: project.end,
        alloc: 0,
        status: 'ACTIVE',
        billRateE4: null,
        costE4: resource.costE4,
        costCurrency: must(ref.les[resource.le], 'le').currency,
      };
      assignments.push(plan);
      resource.assignments.push(plan.index);
      project.assignments.push(plan.index);
      rows.assignments.push({
        id: plan.id,
        project_id: project.id,
        resource_id: resource.id,
        role_id: must(ref.roles[resource.role], 'role').id,
        status: 'ACTIVE',
        start_date: ctx.iso(project.start),
        end_date: ctx.iso(project.end),
        scheduled_hours_e2: kind === 'PRESALES' ? countWeekdays(project.start, project.end) * 80 : 0,
        bill_rate_e4: null,
        cost_rate_e4: resource.costE4,
        currency: must(ref.les[resource.le], 'le').currency,
        is_billable: 0,
      });
    }
  }
  return { assignments };
}

/**
 * Fixture (docs/demo-data.md#fixtures #6): someone homed in another legal entity books time on a running
 * project. Tier M gets this from the delivery centre; the small tier (no India entity) gets a
 * colleague from the other intercompany entity for the last eight weeks.
 */
function ensureIntercompany(
  ctx: SeedContext,
  ref: Reference,
  people: People,
  projects: readonly ProjectPlan[],
  assignments: readonly AssignmentPlan[],
  add: (project: ProjectPlan, seat: Seat, resource: number) => void,
): void {
  const { asOf } = ctx.cal;
  const leOf = new Map(projects.map((p) => [p.index, p.le]));
  const crossEntity = assignments.some(
    (a) =>
      (a.status === 'ACTIVE' || a.status === 'COMPLETED') &&
      a.start <= asOf &&
      must(people.resources[a.resource], 'resource').le !== leOf.get(a.project),
  );
  if (crossEntity) return;
  const intercompany = (le: number) => must(ref.les[le], 'le').spec.intercompany;
  const project = projects.find(
    (p) => p.status === 'ACTIVE' && p.billingMethod === 'TIME_AND_MATERIALS' && intercompany(p.le) && p.start <= asOf - 56,
  );
  const resource = people.resources.find(
    (r) => project && r.kind === 'BILLABLE' && r.bookable && r.le !== project.le && intercompany(r.le),
  );
  if (!project || !resource) return;
  const start = weekdayOnOrAfter(Math.max(project.start, asOf - 56));
  add(
    project,
    { role: resource.role, start, end: weekdayOnOrBefore(Math.min(project.end, asOf + 28)), alloc: 0.25, isPm: false },
    resource.index,
  );
}

/** Cuts a project's FTE demand into seats: a part-time PM over the whole project, then delivery seats. */
function planSeats(
  rng: Rng,
  project: ProjectPlan,
  pmRoles: readonly number[],
  roleWeights: readonly (readonly [number, number])[],
  staffable: (role: number) => boolean,
): Seat[] {
  const seats: Seat[] = [];
  const duration = project.end - project.start;
  let remaining = project.fte;
  const pmRole = pmRoles.find(staffable);
  if (project.fte >= 0.75 && pmRole !== undefined) {
    const alloc = project.fte >= 2.5 ? 0.5 : 0.25;
    seats.push({ role: pmRole, start: project.start, end: project.end, alloc, isPm: true });
    remaining -= alloc;
  }
  const usable = roleWeights.filter(([role]) => staffable(role));
  if (usable.length === 0) return seats;
  while (remaining > 0.1) {
    const alloc = Math.min(
      Math.max(0.25, Math.round(remaining * 4) / 4),
      rng.weighted([
        [1, 40],
        [0.75, 15],
        [0.5, 35],
        [0.25, 10],
      ] as const),
    );
    remaining -= alloc;
    const role = rng.weighted(usable);
    let start = project.start;
    let end = project.end;
    if (rng.chance(0.4) && duration > 56) {
      const length = Math.max(28, Math.round(duration * rng.float(0.4, 0.9)));
      start = project.start + rng.int(0, duration - length);
      end = start + length;
    }
    start = weekdayOnOrAfter(start);
    end = Math.max(start, weekdayOnOrBefore(end));
    // Long seats rotate people half way through.
    if (end - start > 240 && rng.chance(0.5)) {
      const middle = weekdayOnOrBefore(start + Math.round((end - start) / 2));
      seats.push({ role, start, end: middle, alloc, isPm: false });
      seats.push({ role, start: weekdayOnOrAfter(middle + 1), end, alloc, isPm: false });
    } else {
      seats.push({ role, start, end, alloc, isPm: false });
    }
  }
  return seats;
}

function weekdayOnOrAfter(day: Day): Day {
  const weekday = isoWeekday(day);
  return weekday === 6 ? day + 2 : weekday === 7 ? day + 1 : day;
}

function weekdayOnOrBefore(day: Day): Day {
  const weekday = isoWeekday(day);
  return weekday === 6 ? day - 1 : weekday === 7 ? day - 2 : day;
}

/** An assignment's status on asOf, from its project's status and its own dates (docs/state-machines.md#assignment). */
function assignmentStatus(rng: Rng, project: ProjectPlan, seat: Seat, asOf: Day): string {
  if (project.status === 'CLOSED' || project.status === 'CLOSING') return 'COMPLETED';
  if (project.status === 'PLANNED') return rng.chance(0.7) || seat.isPm ? 'CONFIRMED' : 'PROPOSED';
  if (seat.end < asOf) return 'COMPLETED';
  if (seat.start <= asOf) return 'ACTIVE';
  if (seat.isPm) return 'CONFIRMED';
  return rng.weighted([
    ['CONFIRMED', 86],
    ['PROPOSED', 10],
    ['CANCELLED', 4],
  ] as const);
}

/**
 * First fit from a random starting point among the candidates (so work spreads), else the least
 * loaded one with a smaller share of the day, else nobody.
 */
function chooseResource(
  rng: Rng,
  candidates: readonly number[],
  taken: ReadonlySet<number>,
  load: readonly Float64Array[],
  base: Day,
  seat: Seat,
): { resource: number; alloc: number } | null {
  if (candidates.length === 0) return null;
  const from = Math.floor((seat.start - base) / 7);
  const to = Math.floor((seat.end - base) / 7);
  const offset = rng.int(0, candidates.length - 1);
  let best = -1;
  let bestPeak = Infinity;
  for (let k = 0; k < candidates.length; k++) {
    const resource = must(candidates[(offset + k) % candidates.length], 'candidate');
    if (taken.has(resource)) continue;
    const weeks = must(load[resource], 'load');
    let peak = 0;
    for (let w = from; w <= to; w++) peak = Math.max(peak, weeks[w] ?? 0);
    if (peak + seat.alloc <= 1) return { resource, alloc: seat.alloc };
    if (peak < bestPeak) {
      bestPeak = peak;
      best = resource;
    }
  }
  // Nobody is booked beyond a full day, not even a project manager (a seat nobody can take stays open).
  if (best >= 0 && bestPeak <= 0.75) return { resource: best, alloc: Math.floor((1 - bestPeak) * 4) / 4 };
  return null;
}

function addLoad(weeks: Float64Array, base: Day, start: Day, end: Day, alloc: number): void {
  const from = Math.floor((start - base) / 7);
  const to = Math.floor((end - base) / 7);
  for (let w = from; w <= to; w++) weeks[w] = (weeks[w] ?? 0) + alloc;
}
