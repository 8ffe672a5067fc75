// The PostgREST-compatible `/rest/v1` data API.
export { dataApi } from './postgrestApi';
export { splitExpression, splitTopLevel, unquote } from './postgrestSyntax';
