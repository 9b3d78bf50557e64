/**
 * The README's GraphQL blocks, as the tests that hold the README to its word read them: the
 * ```graphql examples a newcomer pastes, and the ```graphql metrics example (README "Business
 * metrics"), each with the line its GraphQL starts on.
 */
import fs from 'node:fs';

export interface ReadmeQuery {
  readonly text: string;
  /** The line of the block's first GraphQL line (1-based). */
  readonly line: number;
  /** What follows ```graphql on the fence line: '' for an example, ' metrics' for the metrics one. */
  readonly info: string;
}

const README = new URL('../../README.md', import.meta.url);

/** Every ```graphql block of `readme` (the repository's README by default), in order. */
export function readmeQueries(readme = fs.readFileSync(README, 'utf8')): ReadmeQuery[] {
  return [...readme.matchAll(/```graphql([^\n]*)\n([\s\S]*?)```/g)].map((match) => ({
    text: match[2]!,
    line: readme.slice(0, match.index).split('\n').length + 1,
    info: match[1]!,
  }));
}

/** The ```graphql examples' GraphQL (not the metrics block), in order. */
export function readmeExamples(): string[] {
  return readmeQueries()
    .filter((query) => query.info === '')
    .map((query) => query.text);
}
