/** The scalars every subgraph shares: Date, DateTime, Decimal, CurrencyCode. Strict parsing. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function stringScalar(name: string, description: string, valid: (value: string) => boolean, expected: string): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value)) {
      throw new GraphQLError(`${name} must be ${expected}; got ${JSON.stringify(value)}.`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => check(value),
    parseValue: (value) => check(value),
    parseLiteral: (ast: ValueNode) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const scalarResolvers = {
  Date: stringScalar('Date', 'A calendar date, ISO 8601 (YYYY-MM-DD).', isCalendarDate, 'a date YYYY-MM-DD'),
  DateTime: stringScalar(
    'DateTime',
    'An instant, ISO 8601 with offset.',
    (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
    'an ISO 8601 instant',
  ),
  Decimal: stringScalar(
    'Decimal',
    'A decimal number as a string; never a float.',
    (value) => /^-?\d{1,15}(\.\d{1,4})?$/.test(value),
    'a decimal string such as "1250.00"',
  ),
  CurrencyCode: stringScalar(
    'CurrencyCode',
    'An ISO 4217 currency code.',
    (value) => /^[A-Z]{3}$/.test(value),
    'an ISO 4217 code such as "USD"',
  ),
};
