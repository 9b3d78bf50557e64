/**
 * The one way to resolve where each system answers, for the gateway's service list and for the
 * systems' calls to their peers (`PeerTransport.urlOf`) alike, in every run mode.
 */
import { subgraphPortVariable, subgraphUrlVariable, type TesseraConfig } from '../core/config/config.ts';

/** A system as this module needs it: its name and its default port (an entry of `SYSTEM_LIST`). */
export interface ListedSystem<Name extends string = string> {
  readonly name: Name;
  readonly defaultPort: number;
}

/** Where a system without a `TESSERA_SUBGRAPH_<NAME>_URL` is reached. */
export type Unconfigured =
  /** In this process (embedded): at its in-process URL, answered by the in-process fetcher. */
  | 'in-process'
  /** On this host, on its port (`tessera serve <name>` beside the system service calling it). */
  | 'this-host'
  /** Nowhere: the gateway alone refuses to start, naming the missing variables. */
  | 'required';

export interface SystemUrl<Name extends string = string> {
  readonly name: Name;
  readonly url: string;
  /** Served by this process: no `TESSERA_SUBGRAPH_<NAME>_URL`, and the mode runs it in process. */
  readonly inProcess: boolean;
}

export interface SystemUrls<Name extends string = string> {
  /** Every system, in the order of the list. */
  readonly all: readonly SystemUrl<Name>[];
  /** The URL of `name`; throws for a name that is no system. */
  urlOf(name: string): string;
}

/** The URL under which a system running in this process is reached. */
export function inProcessUrl(name: string): string {
  return `http://${name}.embedded.tessera/graphql`;
}

/** Each system's URL: the configured one, else as `unconfigured` says. Refuses a variable naming no system. */
export function systemUrls<Name extends string>(
  config: TesseraConfig,
  systems: readonly ListedSystem<Name>[],
  unconfigured: Unconfigured,
): SystemUrls<Name> {
  refuseUnknownNames(config, systems);
  const ports = systemPorts(config, systems);
  const missing = systems.filter(({ name }) => config.subgraphUrls[name] === undefined);
  if (unconfigured === 'required' && missing.length > 0) {
    const variables = missing.map(({ name }) => subgraphUrlVariable(name)).join(', ');
    throw new TypeError(`the gateway alone calls every subgraph over HTTP: set ${variables} (the URL of \`tessera serve <name>\`)`);
  }
  const all = systems.map(({ name }): SystemUrl<Name> => {
    const configured = config.subgraphUrls[name];
    if (configured !== undefined) return { name, url: configured, inProcess: false };
    if (unconfigured === 'in-process') return { name, url: inProcessUrl(name), inProcess: true };
    return { name, url: `http://127.0.0.1:${ports.get(name)}/graphql`, inProcess: false };
  });
  return listedUrls(all);
}

/** `all` as SystemUrls: the gateway's service list of subgraphs that are not Tessera's systems (the federation benchmark's). */
export function listedUrls<Name extends string>(all: readonly SystemUrl<Name>[]): SystemUrls<Name> {
  const byName = new Map<string, string>(all.map(({ name, url }) => [name, url]));
  return {
    all,
    urlOf(name) {
      const url = byName.get(name);
      if (url === undefined) throw new TypeError(`no system is named ${JSON.stringify(name)}`);
      return url;
    },
  };
}

/** The port each system's service listens on: `TESSERA_SUBGRAPH_PORT_<NAME>`, else its default. */
export function systemPorts<Name extends string>(config: TesseraConfig, systems: readonly ListedSystem<Name>[]): ReadonlyMap<Name, number> {
  refuseUnknownNames(config, systems);
  return new Map(systems.map(({ name, defaultPort }) => [name, config.subgraphPorts[name] ?? defaultPort]));
}

/** A variable for a system that does not exist is a typo that would otherwise be ignored. */
function refuseUnknownNames(config: TesseraConfig, systems: readonly ListedSystem[]): void {
  const known = new Set(systems.map(({ name }) => name));
  const unknown = [
    ...Object.keys(config.subgraphUrls)
      .filter((name) => !known.has(name))
      .map(subgraphUrlVariable),
    ...Object.keys(config.subgraphPorts)
      .filter((name) => !known.has(name))
      .map(subgraphPortVariable),
  ];
  if (unknown.length > 0) {
    throw new TypeError(`${unknown.join(', ')} names no system; the systems are ${[...known].join(', ')}`);
  }
}
