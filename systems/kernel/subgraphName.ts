/**
 * A system's name: its subgraph, its schema file (`schema/<name>.graphql`), its store and the
 * `<NAME>` of its variables. The kernel serves any system; the ones that exist, with their
 * default ports, are listed once, in `systems/systems.ts`.
 */
export type SubgraphName = string;
