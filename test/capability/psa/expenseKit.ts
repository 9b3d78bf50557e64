/** What the expense suites share: a staffed project to spend on. */
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { activate, confirm, freeResource, newProject, pick, request, seededContracts } from './psaKit.ts';

/**
 * A new ACTIVE project on a seeded ACTIVE US01 T&M contract at rate card rc_001 running through
 * the window (its cap covers every source), staffed with a free Consultant (rol_02).
 */
export async function staffedOn(t: TestTessera, window: { from: string; to: string; hours: string }) {
  const contract = pick(
    await seededContracts(t),
    'ACTIVE US01 T&M contract at rc_001 running through the window',
    (c) =>
      c.status === 'ACTIVE' &&
      c.billingMethod === 'TIME_AND_MATERIALS' &&
      c.legalEntity.id === 'le_US01' &&
      c.lines[0]?.rateCard?.id === 'rc_001' &&
      c.startDate <= window.from &&
      c.endDate >= window.to,
  );
  const project = await activate(t, await newProject(t, contract.id, { startDate: window.from, endDate: window.to }));
  const resource = await freeResource(t, 'le_US01', window.from, window.to);
  const wanted = await request(t, project.id, { roleId: 'rol_02', startDate: window.from, endDate: window.to, hours: window.hours });
  const { assignment } = await confirm(t, wanted, resource.id);
  return { project, assignment, resource };
}
