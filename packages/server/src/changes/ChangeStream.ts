import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import type { Logger } from '../options';
import { textToJson } from './pgValues';
import { total } from '../total';

/** One committed row change, typed as the real server sends it. */
export interface RowChange {
  schema: string;
  table: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  commitTimestamp: string;
  /** Every column in attnum order, with its type name. */
  columns: { name: string; type: string }[];
  /** The table's primary-key column names (not the replica identity, which FULL widens). */
  keyColumns: string[];
  /** The committing transaction, to wait until queries can see it. */
  xid: number;
  record: Record<string, unknown> | null;
  oldRecord: Record<string, unknown> | null;
  replicaIdentity: string;
}

type Relation = Pgoutput.MessageRelation;

/** Publications streamed: the user's tables, and Roomkit's own for `realtime.messages`. */
const PUBLICATIONS = ['supabase_realtime', 'roomkit_messages'];

/**
 * Streams committed changes from PostgreSQL's logical replication (the built-in `pgoutput`
 * plugin) through one replication slot, reconnecting by itself when the database goes away.
 */
export class ChangeStream {
  readonly slot = `roomkit_${randomBytes(6).toString('hex')}`;
  private service: LogicalReplicationService | null = null;
  private readonly typeNames = new Map<number, string>();
  private readonly primaryKeys = new Map<number, string[]>();
  private xid = 0;
  private pending: Pgoutput.Message[] = [];
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private connected = false;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly onChanges: (changes: RowChange[]) => Promise<void>,
    private readonly onStatus: (up: boolean) => void,
  ) {}

  async start(): Promise<void> {
    // Slots of servers that died without cleaning up keep WAL forever; drop the idle ones.
    await this.pool.query(
      `select pg_drop_replication_slot(slot_name) from pg_replication_slots
        where slot_name like 'roomkit\\_%' and not active`,
    );
    await this.ensureSlot();
    await this.connect();
  }

  private async ensureSlot(): Promise<void> {
    await this.pool.query(
      `select pg_create_logical_replication_slot($1, 'pgoutput')
        where not exists (select 1 from pg_replication_slots where slot_name = $1)`,
      [this.slot],
    );
  }

  private async connect(): Promise<void> {
    const service = new LogicalReplicationService(
      { connectionString: this.url },
      { acknowledge: { auto: true, timeoutSeconds: 10 } },
    );
    this.service = service;
    // A message that cannot be read is logged and dropped; the stream goes on.
    service.on(
      'data',
      total(this.logger, 'replication message', (_lsn: string, message: Pgoutput.Message) =>
        this.receive(message),
      ),
    );
    service.on(
      'error',
      total(this.logger, 'replication error', (error: Error) => this.lost(service, error)),
    );
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: PUBLICATIONS });
    service.subscribe(plugin, this.slot).catch((error: unknown) => this.lost(service, error));
    // The service resolves subscribe() only when streaming ends; "start" marks the stream live.
    await new Promise<void>((resolve, reject) => {
      service.once('start', () => resolve());
      service.once('error', reject);
    });
    this.connected = true;
    this.onStatus(true);
  }

  private lost(service: LogicalReplicationService, error: unknown): void {
    if (this.service !== service || this.stopped) return;
    this.service = null;
    void service.stop().catch(() => undefined);
    if (this.connected) {
      this.connected = false;
      this.logger.warn('replication stream lost; reconnecting', { error: String(error) });
      this.onStatus(false);
    }
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
      if (this.stopped) return;
      try {
        await this.ensureSlot();
        await this.connect();
        this.logger.info('replication stream restored', { attempt });
        return;
      } catch (error) {
        if (attempt % 10 === 1)
          this.logger.warn('replication reconnect failed', { attempt, error: String(error) });
      }
    }
  }

  private receive(message: Pgoutput.Message): void {
    switch (message.tag) {
      case 'relation':
        // Keep PostgreSQL's text output; values are typed the way to_jsonb types them.
        for (const column of message.columns) column.parser = (raw: unknown) => raw;
        this.primaryKeys.delete(message.relationOid);
        return;
      case 'begin':
        this.pending = [];
        this.xid = message.xid;
        return;
      case 'insert':
      case 'update':
      case 'delete':
        this.pending.push(message);
        return;
      case 'commit': {
        const messages = this.pending;
        const xid = this.xid;
        this.pending = [];
        const timestamp = new Date(Number(message.commitTime) / 1000).toISOString();
        // Type names are looked up asynchronously; the queue keeps transactions in commit order.
        this.queue = this.queue
          .then(() => this.emit(messages, timestamp, xid))
          .catch((error: unknown) =>
            this.logger.error('change not delivered', { error: String(error) }),
          );
        return;
      }
      default:
        return;
    }
  }

  private async emit(
    messages: Pgoutput.Message[],
    commitTimestamp: string,
    xid: number,
  ): Promise<void> {
    const changes: RowChange[] = [];
    for (const message of messages) {
      if (message.tag !== 'insert' && message.tag !== 'update' && message.tag !== 'delete')
        continue;
      const relation = message.relation;
      await this.resolveTypes(relation);
      const columns = relation.columns.map((column) => ({
        name: column.name,
        type: this.typeNames.get(column.typeOid) ?? String(column.typeOid),
      }));
      const convert = (tuple: Record<string, unknown> | null, only?: string[]) => {
        if (!tuple) return null;
        const record: Record<string, unknown> = {};
        for (const column of columns) {
          if (only && !only.includes(column.name)) continue;
          if (!(column.name in tuple)) continue;
          const raw = tuple[column.name];
          record[column.name] = textToJson(typeof raw === 'string' ? raw : null, column.type);
        }
        return record;
      };
      const type =
        message.tag === 'insert' ? 'INSERT' : message.tag === 'update' ? 'UPDATE' : 'DELETE';
      const keys = relation.keyColumns;
      const primaryKey = await this.primaryKey(relation);
      // With the default replica identity the old row is only its key: for an UPDATE that did not
      // change the key, PostgreSQL sends no old tuple, and the key equals the new row's.
      const oldRecord =
        message.tag === 'insert'
          ? null
          : message.old
            ? convert(message.old)
            : message.key
              ? convert(message.key, keys)
              : message.tag === 'update'
                ? convert(message.new, keys)
                : null;
      changes.push({
        schema: relation.schema,
        table: relation.name,
        type,
        commitTimestamp,
        columns,
        keyColumns: primaryKey,
        xid,
        record: message.tag === 'delete' ? null : convert(message.new),
        oldRecord,
        replicaIdentity: relation.replicaIdentity,
      });
    }
    if (changes.length > 0) await this.onChanges(changes);
  }

  /** The real primary key, cached per relation until its next `relation` message. */
  private async primaryKey(relation: Relation): Promise<string[]> {
    const cached = this.primaryKeys.get(relation.relationOid);
    if (cached) return cached;
    const { rows } = await this.pool.query<{ attname: string }>(
      `select a.attname from pg_index i
         cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = $1::oid and i.indisprimary
        order by k.position`,
      [relation.relationOid],
    );
    const keys = rows.map((row) => row.attname);
    this.primaryKeys.set(relation.relationOid, keys);
    return keys;
  }

  private async resolveTypes(relation: Relation): Promise<void> {
    const missing = relation.columns
      .map((c) => c.typeOid)
      .filter((oid) => !this.typeNames.has(oid));
    if (missing.length === 0) return;
    const { rows } = await this.pool.query<{ oid: number; typname: string }>(
      'select oid::int as oid, typname from pg_type where oid = any($1::oid[])',
      [missing],
    );
    for (const row of rows) this.typeNames.set(row.oid, row.typname);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const service = this.service;
    this.service = null;
    await service?.stop().catch(() => undefined);
    await this.pool
      .query(
        `select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1`,
        [this.slot],
      )
      // A database already shutting down (Ctrl-C reaches it too) keeps the slot; the next
      // start drops inactive roomkit_ slots, so it never holds WAL for long.
      .catch((error: unknown) =>
        this.logger.info('replication slot left for the next start to drop', {
          slot: this.slot,
          reason: String(error),
        }),
      );
  }
}
