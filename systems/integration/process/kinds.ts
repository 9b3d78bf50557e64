/** The saga definitions' names (stored in `process_instances.kind`) and their `ProcessKind` enum values. */
export const KIND_OF_NAME: Readonly<Record<string, string>> = {
  opportunityToProject: 'OPPORTUNITY_TO_PROJECT',
};

export const NAME_OF_KIND: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(KIND_OF_NAME).map(([name, kind]) => [kind, name]),
);
