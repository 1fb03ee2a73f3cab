/**
 * One asynchronous way to run SQL on either backend: the embedded SQLite file (better-sqlite3,
 * synchronous underneath) or a PostgreSQL server (postgres.js). lib/data writes each query once,
 * with `@name` parameters and the few dialect differences spelled through lib/data/dialect.ts.
 *
 * Why raw SQL rather than drizzle's query builder: its builders are typed per dialect (sqlite-core
 * and pg-core tables are different types), so one query over both would be written twice; drizzle
 * keeps the schemas and generates the migrations of both (db/schema.ts, db/schema-pg.ts).
 *
 * Names that are not all lower case must be quoted (`AS "startedAt"`): PostgreSQL folds unquoted
 * names to lower case, SQLite accepts the quotes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type postgres from 'postgres';

export type Dialect = 'sqlite' | 'postgres';
export type SqlParams = Record<string, unknown>;

export interface Sql {
  readonly dialect: Dialect;
  /** The rows, as objects. */
  all<T = Record<string, unknown>>(text: string, params?: SqlParams): Promise<T[]>;
  /** The rows, as arrays in column order (cheaper for thousands of rows). */
  rows<T extends unknown[] = unknown[]>(text: string, params?: SqlParams): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(text: string, params?: SqlParams): Promise<T | undefined>;
  /** Runs a statement; the number of rows it changed. */
  run(text: string, params?: SqlParams): Promise<number>;
  /**
   * Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so it holds the write lock from the
   * start): committed when it resolves, rolled back when it throws. Nested calls join the outer one.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Opens a transaction that outlives one callback (an upload read chunk by chunk): its queries
   * go through the handle's `sql`, and it ends with commit() or rollback(). SQLite: BEGIN
   * IMMEDIATE on this connection; PostgreSQL: a pooled connection reserved until it ends.
   */
  begin(): Promise<OpenTransaction>;
  /** Closes the connection (PostgreSQL: the pool, waiting up to 5 s for queries in flight). */
  close(): Promise<void>;
}

export interface OpenTransaction {
  readonly sql: Sql;
  commit(): Promise<void>;
  /** Rolls back; does nothing once the transaction has ended. */
  rollback(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// SQLite

/**
 * SQLite: arrays given as parameters are passed as JSON text (read with json_each, see
 * lib/data/dialect.ts), booleans as 0 / 1. Statements are prepared once per text.
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  /** Transactions open on this connection: begin()'s, which any call joins, and transaction()'s. */
  private begun = 0;

  constructor(readonly client: Database.Database) {}

  private stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) this.statements.set(text, (s = this.client.prepare(text)));
    return s;
  }

  private static bind(params: SqlParams | undefined): Record<string, unknown> {
    if (!params) return {};
    const out: Record<string, unknown> = {};
    for (const key in params) {
      const v = params[key];
      out[key] = Array.isArray(v) ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v;
    }
    return out;
  }

  /** Every name `text` uses, absent ones as NULL (better-sqlite3 refuses a missing named parameter). */
  private args(text: string, params: SqlParams | undefined): Record<string, unknown>[] {
    return [SqliteSql.bind(pick(text, params))];
  }

  /**
   * Runs `use` on the statement of `text`. One that writes, outside a transaction of the caller's,
   * while a transaction holds the file's write lock, waits for it to be free (FileWriteLock) and
   * then runs at once, before anything else can take it.
   */
  private async statement<R>(text: string, use: (s: Database.Statement) => R): Promise<R> {
    const s = this.stmt(text);
    const waits = () => !s.readonly && !this.joins() && writeLock(this.client).held();
    if (waits()) {
      const deadline = this.deadline();
      do await writeLock(this.client).released(deadline);
      while (waits());
    }
    return use(s);
  }

  /** Until when to wait for the write lock before failing as SQLite would (its busy_timeout). */
  private deadline(): number {
    return Date.now() + (this.client.pragma('busy_timeout', { simple: true }) as number);
  }

  /** The caller runs inside a transaction of this connection: begin()'s, or the transaction() it is called from. */
  private joins(): boolean {
    return this.begun > 0 || insideTransaction.getStore() === this;
  }

  all<T>(text: string, params?: SqlParams): Promise<T[]> {
    return this.statement(text, (s) => s.all(...this.args(text, params)) as T[]);
  }

  rows<T extends unknown[]>(text: string, params?: SqlParams): Promise<T[]> {
    return this.statement(text, (s) => s.raw(true).all(...this.args(text, params)) as T[]);
  }

  get<T>(text: string, params?: SqlParams): Promise<T | undefined> {
    return this.statement(text, (s) => s.get(...this.args(text, params)) as T | undefined);
  }

  run(text: string, params?: SqlParams): Promise<number> {
    return this.statement(text, (s) => (s.reader ? s.all(...this.args(text, params)).length : s.run(...this.args(text, params)).changes));
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.joins()) return fn(this);
    const release = await writeLock(this.client).acquire(this.deadline());
    try {
      this.client.exec('BEGIN IMMEDIATE');
      try {
        const result = await insideTransaction.run(this, () => fn(this));
        this.client.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.client.inTransaction) this.client.exec('ROLLBACK');
        throw err;
      }
    } finally {
      release();
    }
  }

  async begin(): Promise<OpenTransaction> {
    if (this.joins()) return { sql: this, commit: async () => {}, rollback: async () => {} };
    const release = await writeLock(this.client).acquire(this.deadline());
    try {
      this.client.exec('BEGIN IMMEDIATE');
    } catch (err) {
      release();
      throw err;
    }
    this.begun++;
    let open = true;
    const end = (statement: string) => {
      if (!open) return;
      open = false;
      this.begun--;
      try {
        if (statement === 'COMMIT' || this.client.inTransaction) this.client.exec(statement);
      } finally {
        release();
      }
    };
    return { sql: this, commit: async () => end('COMMIT'), rollback: async () => end('ROLLBACK') };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** The SqliteSql whose transaction() the current code runs in (nested calls join it). */
const insideTransaction = new AsyncLocalStorage<SqliteSql>();

/**
 * The write transactions of this thread's connections to one SQLite file, one at a time.
 * better-sqlite3 waits for SQLite's write lock by blocking the thread (busy_timeout): a connection
 * waiting for one whose transaction is open across an await, on the same thread, would block the
 * very thread that has to finish it. So they wait here, without blocking, for the lock to be free
 * (other threads and processes still wait in SQLite). Reads never wait (WAL).
 */
class FileWriteLock {
  private taken = false;
  private readonly waiting: (() => void)[] = [];

  /** Takes the lock once free; the function returned gives it up. */
  async acquire(deadline: number): Promise<() => void> {
    while (this.taken) await this.released(deadline);
    this.taken = true;
    let mine = true;
    return () => {
      if (!mine) return;
      mine = false;
      this.taken = false;
      for (const wake of this.waiting.splice(0)) wake();
    };
  }

  held(): boolean {
    return this.taken;
  }

  /**
   * Resolves when the lock is given up (it may be taken again before the waiter runs: check
   * held()); fails with SQLITE_BUSY, as SQLite itself would, if that is not before `deadline`.
   */
  released(deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
      }, Math.max(0, deadline - Date.now()));
      this.waiting.push(wake);
    });
  }
}

const fileLocks = new Map<string, FileWriteLock>();
const memoryLocks = new WeakMap<Database.Database, FileWriteLock>();

/** The lock of the file `client` opened (an in-memory database: its own). */
function writeLock(client: Database.Database): FileWriteLock {
  if (client.memory) {
    let lock = memoryLocks.get(client);
    if (!lock) memoryLocks.set(client, (lock = new FileWriteLock()));
    return lock;
  }
  const file = path.resolve(client.name);
  let lock = fileLocks.get(file);
  if (!lock) fileLocks.set(file, (lock = new FileWriteLock()));
  return lock;
}

/** The parameters `text` names (`@name`). */
function pick(text: string, params: SqlParams | undefined): SqlParams {
  const out: SqlParams = {};
  if (!params) return out;
  for (const name of parameterNames(text)) out[name] = params[name];
  return out;
}

const namesByText = new Map<string, string[]>();

/** The `@name` parameters of a statement, in order of first use, outside quoted strings and names. */
function parameterNames(text: string): string[] {
  let names = namesByText.get(text);
  if (names) return names;
  names = [];
  scan(text, (name) => {
    if (!names!.includes(name)) names!.push(name);
    return '';
  });
  namesByText.set(text, names);
  return names;
}

/**
 * Walks `text`, calling `onParam` for each `@name` outside '...' and "..." and `--` comments;
 * returns the text with each replaced by what `onParam` answers.
 */
function scan(text: string, onParam: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && /\w/.test(text[j])) j++;
      out += onParam(text.slice(i + 1, j));
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** A statement with `@name` parameters as PostgreSQL's `$n`, and the order of its values. */
interface PgStatement {
  text: string;
  names: string[];
}

const pgStatements = new Map<string, PgStatement>();

function pgStatement(text: string): PgStatement {
  let s = pgStatements.get(text);
  if (!s) {
    const names: string[] = [];
    const converted = scan(text, (name) => {
      let k = names.indexOf(name);
      if (k < 0) k = names.push(name) - 1;
      return `$${k + 1}`;
    });
    pgStatements.set(text, (s = { text: converted, names }));
  }
  return s;
}

/** PostgreSQL through postgres.js: arrays are passed as arrays (`= ANY(@ids)`, unnest). */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres' as const;

  /** `inTransaction`: `client` is inside a transaction already (nested transactions join it). */
  constructor(
    readonly client: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql,
    private readonly inTransaction = false,
  ) {}

  private query(text: string, params: SqlParams | undefined) {
    const s = pgStatement(text);
    const values = s.names.map((n) => {
      const v = params?.[n];
      return v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    return this.client.unsafe(s.text, values as postgres.ParameterOrJSON<never>[], { prepare: true });
  }

  async all<T>(text: string, params?: SqlParams): Promise<T[]> {
    return [...(await this.query(text, params))] as T[];
  }

  async rows<T extends unknown[]>(text: string, params?: SqlParams): Promise<T[]> {
    return [...(await this.query(text, params).values())] as unknown as T[];
  }

  async get<T>(text: string, params?: SqlParams): Promise<T | undefined> {
    const rows = await this.query(text, params);
    return rows[0] as T | undefined;
  }

  async run(text: string, params?: SqlParams): Promise<number> {
    return (await this.query(text, params)).count;
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction || !('begin' in this.client)) return fn(this);
    return (await (this.client as postgres.Sql).begin((tx) => fn(new PostgresSql(tx, true)))) as T;
  }

  async begin(): Promise<OpenTransaction> {
    if (this.inTransaction || !('reserve' in this.client)) {
      return { sql: this, commit: async () => {}, rollback: async () => {} };
    }
    const reserved = await (this.client as postgres.Sql).reserve();
    try {
      await reserved.unsafe('BEGIN');
    } catch (err) {
      reserved.release();
      throw err;
    }
    let open = true;
    const end = async (statement: string) => {
      if (!open) return;
      open = false;
      try {
        await reserved.unsafe(statement);
      } finally {
        reserved.release();
      }
    };
    return { sql: new PostgresSql(reserved, true), commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
  }

  async close(): Promise<void> {
    if (!this.inTransaction && 'end' in this.client) await (this.client as postgres.Sql).end({ timeout: 5 });
  }
}
