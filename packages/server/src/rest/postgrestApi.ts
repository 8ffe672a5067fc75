import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import {
  REST_CREDENTIALS,
  TokenError,
  requestCredential,
  type Claims,
  type TokenVerifier,
} from '../auth';
import type { Database } from '../db';
import { sendJson } from '../http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../jsonInput';
import {
  Params,
  RestError,
  ident,
  integerParam,
  orderClause,
  preferences,
  selectList,
  whereClause,
} from './restQuery';

/** Schemas the data API serves, like a Supabase project's default exposed schemas. */
const EXPOSED_SCHEMAS = ['public'];
const OBJECT_JSON = 'application/vnd.pgrst.object+json';

interface Context {
  database: Database;
  verifier: TokenVerifier;
}

/** The request's role and claims: `Authorization: Bearer`, else the `apikey` header. */
async function claimsOf(verifier: TokenVerifier, request: IncomingMessage): Promise<Claims> {
  const token = requestCredential(request, REST_CREDENTIALS);
  if (token === undefined) {
    throw new RestError(
      401,
      'PGRST301',
      'No API key found in request',
      null,
      'No `apikey` request header or url param was found.',
    );
  }
  try {
    return (await verifier.verify(token)).claims;
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    if (error.code === 'expired') throw new RestError(401, 'PGRST303', 'JWT expired');
    throw new RestError(401, 'PGRST301', `JWSError: ${error.message}`);
  }
}

/** Maps a PostgreSQL error to PostgREST's status and JSON body. */
function fromPostgres(error: unknown, role: string): RestError {
  if (error instanceof RestError) return error;
  const pgError = error as { code?: string; message?: string; detail?: string; hint?: string };
  const code = pgError.code ?? 'XX000';
  const status =
    code === '42501'
      ? role === 'anon'
        ? 401
        : 403
      : code === '23505' || code === '23503'
        ? 409
        : code === '42883' || code === '42P01'
          ? 404
          : code.startsWith('22') ||
              code.startsWith('23') ||
              code.startsWith('42') ||
              code === 'P0001'
            ? 400
            : 500;
  return new RestError(
    status,
    code,
    pgError.message ?? 'Unknown error',
    pgError.detail ?? null,
    pgError.hint ?? null,
  );
}

/** Runs statements as the request's role with its JWT claims, like PostgREST does per request. */
async function asRole<T>(
  database: Database,
  claims: Claims,
  method: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${ident(claims.role)}`);
    await client.query(
      `select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true),
              set_config('request.jwt.claim.role', $3, true), set_config('request.method', $4, true)`,
      [JSON.stringify(claims), claims.sub ?? '', claims.role, method],
    );
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** `/rest/v1/*`: the subset of PostgREST that `supabase.from()` and `supabase.rpc()` use. */
export async function dataApi(
  context: Context,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: Buffer,
  path: string,
): Promise<void> {
  let role = 'anon';
  try {
    const claims = await claimsOf(context.verifier, request);
    role = claims.role;
    const method = request.method ?? 'GET';
    const profile =
      method === 'GET' || method === 'HEAD'
        ? request.headers['accept-profile']
        : request.headers['content-profile'];
    const schema = typeof profile === 'string' ? profile : 'public';
    if (!EXPOSED_SCHEMAS.includes(schema)) {
      throw new RestError(
        406,
        'PGRST106',
        `The schema must be one of the following: ${EXPOSED_SCHEMAS.join(', ')}`,
      );
    }
    const rpc = /^rpc\/([^/]+)$/.exec(path);
    const result = rpc
      ? await callFunction(
          context.database,
          claims,
          schema,
          decodeURIComponent(rpc[1] ?? ''),
          method,
          url,
          body,
        )
      : await tableRequest(
          context.database,
          claims,
          schema,
          decodeURIComponent(path),
          method,
          request,
          url,
          body,
        );
    response.writeHead(result.status, result.headers);
    response.end(method === 'HEAD' || result.body === undefined ? undefined : result.body);
  } catch (error) {
    const rest = fromPostgres(error, role);
    sendJson(response, rest.status, rest.toJSON());
  }
}

interface Result {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  // Deeper JSON could not be serialized back for PostgreSQL.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new RestError(
      400,
      'PGRST102',
      'Empty or invalid json',
      null,
      `JSON may nest at most ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

async function tableRequest(
  database: Database,
  claims: Claims,
  schema: string,
  table: string,
  method: string,
  request: IncomingMessage,
  url: URL,
  body: Buffer,
): Promise<Result> {
  const exists = await database.pool.query<{ found: boolean }>(
    `select exists(select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'p', 'f')) as found`,
    [schema, table],
  );
  if (!exists.rows[0]?.found) {
    throw new RestError(
      404,
      'PGRST205',
      `Could not find the table '${schema}.${table}' in the schema cache`,
    );
  }
  const target = `${ident(schema)}.${ident(table)}`;
  const query = url.searchParams;
  const prefer = preferences(request.headers.prefer);
  const single = (request.headers.accept ?? '').includes(OBJECT_JSON);
  const returning = prefer.return === 'representation' || method === 'GET' || method === 'HEAD';
  const select = selectList(query.get('select'));
  const params = new Params();
  let sql: string;
  let countSql: string | null = null;
  let status = 200;

  switch (method) {
    case 'GET':
    case 'HEAD': {
      const where = whereClause(query, params);
      const limit = integerParam(query, 'limit');
      const offset = integerParam(query, 'offset');
      sql =
        `select ${select} from ${target} ${where} ${orderClause(query.get('order'))}` +
        `${limit !== null ? ` limit ${limit}` : ''}${offset !== null ? ` offset ${offset}` : ''}`;
      if (prefer.count) countSql = `select count(*)::int as total from ${target} ${where}`;
      break;
    }
    case 'POST': {
      const rows = parseBody(body);
      const list = Array.isArray(rows) ? rows : [rows];
      if (list.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) {
        throw new RestError(400, 'PGRST102', 'All object keys must match');
      }
      const fromParam = query
        .get('columns')
        ?.split(',')
        .map((c) => c.trim().replace(/^"|"$/g, ''));
      const columns = fromParam ?? [...new Set(list.flatMap((row) => Object.keys(row as object)))];
      if (columns.length === 0) {
        sql = `insert into ${target} default values returning ${select}`;
      } else {
        const names = columns.map(ident).join(', ');
        let conflict = '';
        if (prefer.resolution) {
          const onConflict = query.get('on_conflict');
          const keys = onConflict
            ? onConflict.split(',').map((c) => ident(c.trim()))
            : await primaryKey(database, schema, table);
          const action =
            prefer.resolution === 'ignore-duplicates'
              ? 'do nothing'
              : `do update set ${columns.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`;
          conflict = ` on conflict (${keys.join(', ')}) ${action}`;
        }
        // The database types each value from the row type, like PostgREST's json_populate_recordset.
        sql =
          `insert into ${target} (${names}) select ${names} from json_populate_recordset(null::${target}, ${params.add(JSON.stringify(list))})` +
          `${conflict} returning ${select}`;
      }
      status = 201;
      break;
    }
    case 'PATCH': {
      const patch = parseBody(body);
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
        throw new RestError(400, 'PGRST102', 'Empty or invalid json');
      }
      const columns = Object.keys(patch);
      if (columns.length === 0) throw new RestError(400, 'PGRST102', 'Empty or invalid json');
      const names = columns.map(ident).join(', ');
      const value = params.add(JSON.stringify(patch));
      const where = whereClause(query, params);
      sql =
        `update ${target} set (${names}) = (select ${names} from json_populate_record(null::${target}, ${value})) ` +
        `${where} returning ${select}`;
      break;
    }
    case 'DELETE': {
      sql = `delete from ${target} ${whereClause(query, params)} returning ${select}`;
      break;
    }
    default:
      throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
  }

  const { rows, total } = await asRole(database, claims, method, async (client) => {
    const result = await client.query<{ body: unknown[] }>(
      `with _rows as (${sql}) select coalesce(json_agg(_rows), '[]'::json) as body from _rows`,
      params.values,
    );
    const total = countSql
      ? (await client.query<{ total: number }>(countSql, params.values)).rows[0]?.total
      : undefined;
    const rows = result.rows[0]?.body ?? [];
    if (single && rows.length !== 1) {
      throw new RestError(
        406,
        'PGRST116',
        'JSON object requested, multiple (or no) rows returned',
        `The result contains ${rows.length} rows`,
      );
    }
    return { rows, total };
  });

  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  const offset = integerParam(query, 'offset') ?? 0;
  const counted = total ?? (prefer.count ? rows.length : undefined);
  const range = rows.length > 0 ? `${offset}-${offset + rows.length - 1}` : '*';
  headers['content-range'] = `${range}/${counted ?? '*'}`;
  if (!returning) return { status: method === 'POST' ? 201 : 204, headers };
  return { status, headers, body: JSON.stringify(single ? rows[0] : rows) };
}

async function primaryKey(database: Database, schema: string, table: string): Promise<string[]> {
  const { rows } = await database.pool.query<{ attname: string }>(
    `select a.attname from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass and i.indisprimary`,
    [schema, table],
  );
  if (rows.length === 0)
    throw new RestError(
      400,
      'PGRST100',
      `Table ${schema}.${table} has no primary key; pass on_conflict`,
    );
  return rows.map((row) => ident(row.attname));
}

async function callFunction(
  database: Database,
  claims: Claims,
  schema: string,
  name: string,
  method: string,
  url: URL,
  body: Buffer,
): Promise<Result> {
  const args: Record<string, unknown> =
    method === 'GET' || method === 'HEAD'
      ? Object.fromEntries(url.searchParams)
      : (parseBody(body) as Record<string, unknown>);
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json');
  }
  const found = await database.pool.query<{ retset: boolean; typtype: string; typname: string }>(
    `select p.proretset as retset, t.typtype, t.typname from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace join pg_type t on t.oid = p.prorettype
      where n.nspname = $1 and p.proname = $2 limit 1`,
    [schema, name],
  );
  const fn = found.rows[0];
  if (!fn) {
    throw new RestError(
      404,
      'PGRST202',
      `Could not find the function ${schema}.${name}(${Object.keys(args).join(', ')}) in the schema cache`,
    );
  }
  const params = new Params();
  const call = `${ident(schema)}.${ident(name)}(${Object.entries(args)
    .map(
      ([key, value]) =>
        `${ident(key)} => ${params.add(typeof value === 'object' && value !== null ? JSON.stringify(value) : value)}`,
    )
    .join(', ')})`;
  const sql =
    fn.retset || fn.typtype === 'c'
      ? `select coalesce(json_agg(_r), '[]'::json) as body from ${call} _r`
      : `select to_json(${call}) as body`;
  const rows = await asRole(
    database,
    claims,
    method,
    async (client) => (await client.query<{ body: unknown }>(sql, params.values)).rows,
  );
  let value = rows[0]?.body ?? null;
  if (!fn.retset && fn.typtype === 'c' && Array.isArray(value)) value = value[0] ?? null;
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  if (fn.typname === 'void') return { status: 204, headers };
  return { status: 200, headers, body: JSON.stringify(value) };
}
