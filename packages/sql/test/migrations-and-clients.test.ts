import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPgliteClient,
  createPostgresClient,
  DataDirLockedError,
  InvalidIdentifierError,
  isTransientSqlError,
  isUniqueViolation,
  LOCK_FILE,
  type Migration,
  migrate,
  type SqlClient,
  sqlIdentifier,
  sqlState,
} from "../src/index.ts";

const databaseUrl = process.env.DATABASE_URL || undefined;

interface Backend {
  readonly name: string;
  open(): Promise<SqlClient>;
}

const backends: Backend[] = [
  { name: "pglite (in memory)", open: () => createPgliteClient() },
  { name: "pglite (worker thread, in memory)", open: () => createPgliteClient({ inWorker: true }) },
  ...(databaseUrl
    ? [
        {
          name: "server postgres (DATABASE_URL)",
          open: async () =>
            createPostgresClient({
              connectionString: databaseUrl,
              maxConnections: 12,
              applicationName: "sql-test",
            }),
        },
      ]
    : []),
];

function uniqueName(label: string): string {
  return `t_${label}_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

async function catchError(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected the work to fail");
}

describe.each(backends)("given $name", ({ name, open }) => {
  let sql: SqlClient;
  const schemas: string[] = [];

  /** A fresh schema name, dropped after the file on a shared server. */
  function schemaName(label: string): string {
    const schema = uniqueName(label);
    schemas.push(schema);
    return schema;
  }

  async function versions(schema: string): Promise<number[]> {
    const { rows } = await sql.query<{ version: number }>(
      `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
    );
    return rows.map((row) => row.version);
  }

  async function tableExists(schema: string, table: string): Promise<boolean> {
    const { rows } = await sql.query(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
      [schema, table],
    );
    return rows.length > 0;
  }

  beforeAll(async () => {
    sql = await open();
  });

  afterAll(async () => {
    if (!sql) return;
    for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  it("when opened, then the client reports its dialect", () => {
    expect(sql.dialect).toBe(name.startsWith("pglite") ? "pglite" : "postgres");
  });

  describe("when migrations are applied", () => {
    const base = (schema: string): Migration[] => [
      { version: 1, name: "create", sql: `CREATE TABLE ${schema}.items (id integer PRIMARY KEY)` },
      {
        version: 2,
        name: "add label",
        sql: `ALTER TABLE ${schema}.items ADD COLUMN label text NOT NULL DEFAULT ''`,
      },
      { version: 3, name: "seed", sql: `INSERT INTO ${schema}.items (id, label) VALUES (1, 'one')` },
    ];

    it("then they run in version order (whatever order they are given in), each once", async () => {
      const schema = schemaName("order");
      const [m1, m2, m3] = base(schema) as [Migration, Migration, Migration];
      // v2 and v3 need v1's table: given in reverse they only succeed if sorted.
      expect(await migrate(sql, schema, [m3, m1, m2])).toBe(3);
      expect(await versions(schema)).toEqual([1, 2, 3]);
      const { rows } = await sql.query<{ version: number; name: string }>(
        `SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`,
      );
      expect(rows.map((row) => row.name)).toEqual(["create", "add label", "seed"]);
      const items = await sql.query(`SELECT id, label FROM ${schema}.items`);
      expect(items.rows).toEqual([{ id: 1, label: "one" }]);
    });

    it("then running them again applies nothing and a new one applies alone", async () => {
      const schema = schemaName("rerun");
      expect(await migrate(sql, schema, base(schema))).toBe(3);
      expect(await migrate(sql, schema, base(schema))).toBe(0);
      expect(await migrate(sql, schema, base(schema))).toBe(0);
      const next: Migration = {
        version: 4,
        name: "second row",
        sql: `INSERT INTO ${schema}.items (id, label) VALUES (2, 'two')`,
      };
      expect(await migrate(sql, schema, [...base(schema), next])).toBe(1);
      expect(await versions(schema)).toEqual([1, 2, 3, 4]);
      const { rows } = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${schema}.items`);
      expect(rows[0]?.n).toBe("2");
    });

    it.each([
      ["a gap", [1, 3]],
      ["not starting at 1", [2, 3]],
      ["a duplicate", [1, 1, 2]],
      ["version 0", [0, 1]],
    ])("then a list with %s is refused before anything runs", async (_label, list) => {
      const schema = schemaName("gaps");
      const migrations = list.map((version) => ({
        version,
        name: `m${version}`,
        sql: `CREATE TABLE IF NOT EXISTS ${schema}.t${version} (x integer)`,
      }));
      const error = await catchError(() => migrate(sql, schema, migrations));
      expect(String(error)).toMatch(/numbered 1\.\.n without gaps/);
      const { rows } = await sql.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      expect(rows).toEqual([]);
    });

    it("then a failing migration rolls back entirely, keeps the earlier ones, and can be fixed", async () => {
      const schema = schemaName("failing");
      const first: Migration = { version: 1, name: "ok", sql: `CREATE TABLE ${schema}.a (x integer)` };
      const broken: Migration = {
        version: 2,
        name: "broken",
        sql: `CREATE TABLE ${schema}.b (x integer); INSERT INTO ${schema}.a VALUES (1); SELECT 1 / 0;`,
      };
      const third: Migration = { version: 3, name: "after", sql: `CREATE TABLE ${schema}.c (x integer)` };
      const error = await catchError(() => migrate(sql, schema, [first, broken, third]));
      expect(sqlState(error)).toBe("22012");
      expect(await versions(schema)).toEqual([1]);
      expect(await tableExists(schema, "a")).toBe(true);
      expect(await tableExists(schema, "b")).toBe(false);
      expect(await tableExists(schema, "c")).toBe(false);
      const { rows } = await sql.query(`SELECT * FROM ${schema}.a`);
      expect(rows).toEqual([]);

      const fixed: Migration = { ...broken, sql: `CREATE TABLE ${schema}.b (x integer)` };
      expect(await migrate(sql, schema, [first, fixed, third])).toBe(2);
      expect(await versions(schema)).toEqual([1, 2, 3]);
    });

    it("then an invalid schema name is refused before any SQL runs", async () => {
      await expect(migrate(sql, "Bad-Schema", [])).rejects.toBeInstanceOf(InvalidIdentifierError);
      await expect(migrate(sql, "x; DROP TABLE y", [])).rejects.toBeInstanceOf(InvalidIdentifierError);
    });

    it("then concurrent migrate calls apply each migration exactly once", async () => {
      const schema = schemaName("concurrent");
      const migrations: Migration[] = [
        { version: 1, name: "log", sql: `CREATE TABLE ${schema}.log (n integer NOT NULL)` },
        ...[2, 3, 4, 5].map((version) => ({
          version,
          name: `entry ${version}`,
          // Not idempotent: a second application would add a second row.
          sql: `INSERT INTO ${schema}.log (n) VALUES (${version})`,
        })),
      ];
      const applied = await Promise.all(Array.from({ length: 8 }, () => migrate(sql, schema, migrations)));
      expect(applied.reduce((sum, count) => sum + count, 0)).toBe(5);
      const { rows } = await sql.query<{ n: number }>(`SELECT n FROM ${schema}.log ORDER BY n`);
      expect(rows.map((row) => row.n)).toEqual([2, 3, 4, 5]);
      expect(await versions(schema)).toEqual([1, 2, 3, 4, 5]);
    });
  });

  describe("when work runs in a transaction", () => {
    let table: string;
    beforeAll(async () => {
      const schema = schemaName("tx");
      table = `${schema}.entries`;
      await sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${table} (id integer PRIMARY KEY)`);
    });

    async function ids(): Promise<number[]> {
      const { rows } = await sql.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`);
      return rows.map((row) => row.id);
    }

    it("then a resolved work commits and its result is returned", async () => {
      const result = await sql.transaction(async (tx) => {
        const inserted = await tx.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
        const seen = await tx.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`);
        return { rowCount: inserted.rowCount, seen: seen.rows.map((row) => row.id) };
      });
      expect(result).toEqual({ rowCount: 2, seen: [1, 2] });
      expect(await ids()).toEqual([1, 2]);
    });

    it("then a throwing work rolls back and its very error is rethrown", async () => {
      const failure = new Error("handler bug");
      const error = await catchError(() =>
        sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} (id) VALUES (10)`);
          await tx.exec(`INSERT INTO ${table} (id) VALUES (11); INSERT INTO ${table} (id) VALUES (12)`);
          throw failure;
        }),
      );
      expect(error).toBe(failure);
      expect(await ids()).toEqual([1, 2]);
    });

    it("then a failing statement rolls back the earlier ones and the client stays usable", async () => {
      const error = await catchError(() =>
        sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} (id) VALUES (20)`);
          await tx.query(`INSERT INTO ${table} (id) VALUES (1)`);
        }),
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect(await ids()).toEqual([1, 2]);
      await sql.transaction((tx) => tx.query(`INSERT INTO ${table} (id) VALUES (30)`));
      expect(await ids()).toEqual([1, 2, 30]);
    });

    it("then UPDATE and DELETE report the affected row count", async () => {
      const updated = await sql.query(`UPDATE ${table} SET id = id + 100 WHERE id >= 30`);
      expect(updated.rowCount).toBe(1);
      const deleted = await sql.query(`DELETE FROM ${table} WHERE id > 1000`);
      expect(deleted.rowCount).toBe(0);
    });
  });

  describe("when a channel is listened to", () => {
    it("then each NOTIFY calls back, and after unlisten nothing does", async () => {
      const channel = uniqueName("ch");
      let calls = 0;
      let wake: (() => void) | undefined;
      const unlisten = await sql.listen(channel, () => {
        calls++;
        wake?.();
      });
      const next = () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no notification on ${channel}`)), 5000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      let arrived = next();
      await sql.query("SELECT pg_notify($1, 'payload')", [channel]);
      await arrived;
      expect(calls).toBe(1);
      arrived = next();
      await sql.exec(`NOTIFY ${channel}`);
      await arrived;
      expect(calls).toBe(2);

      await unlisten();
      wake = undefined;
      await sql.exec(`NOTIFY ${channel}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(2);
    });

    it("then a notification on another channel is not delivered", async () => {
      const channel = uniqueName("ch");
      let calls = 0;
      const unlisten = await sql.listen(channel, () => {
        calls++;
      });
      try {
        await sql.exec(`NOTIFY ${uniqueName("other")}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(calls).toBe(0);
      } finally {
        await unlisten();
      }
    });

    it("then an invalid channel name is refused", async () => {
      await expect(sql.listen("Bad Channel", () => undefined)).rejects.toBeInstanceOf(InvalidIdentifierError);
    });
  });

  describe("when a unique constraint is violated", () => {
    it("then isUniqueViolation recognises the driver's error and its constraint name", async () => {
      const schema = schemaName("uq");
      await sql.exec(`CREATE SCHEMA ${schema};
        CREATE TABLE ${schema}.accounts (id integer PRIMARY KEY, email text, CONSTRAINT accounts_email_uq UNIQUE (email))`);
      await sql.query(`INSERT INTO ${schema}.accounts VALUES (1, 'a@example.com')`);
      const byEmail = await catchError(() =>
        sql.query(`INSERT INTO ${schema}.accounts VALUES (2, 'a@example.com')`),
      );
      expect(sqlState(byEmail)).toBe("23505");
      expect(isUniqueViolation(byEmail)).toBe(true);
      expect(isUniqueViolation(byEmail, "accounts_email_uq")).toBe(true);
      expect(isUniqueViolation(byEmail, "accounts_pkey")).toBe(false);
      expect(isTransientSqlError(byEmail)).toBe(false);

      const byId = await catchError(() =>
        sql.query(`INSERT INTO ${schema}.accounts VALUES (1, 'b@example.com')`),
      );
      expect(isUniqueViolation(byId, "accounts_pkey")).toBe(true);
      expect(isUniqueViolation(byId, "accounts_email_uq")).toBe(false);

      const notUnique = await catchError(() =>
        sql.query(`INSERT INTO ${schema}.accounts VALUES (NULL, 'c')`),
      );
      expect(sqlState(notUnique)).toBe("23502");
      expect(isUniqueViolation(notUnique)).toBe(false);
      const undefinedTable = await catchError(() => sql.query(`SELECT * FROM ${schema}.missing`));
      expect(sqlState(undefinedTable)).toBe("42P01");
      expect(isTransientSqlError(undefinedTable)).toBe(false);
    });
  });

  it.runIf(name.startsWith("server"))(
    "when the server terminates a connection mid-query, then the error is transient and the pool recovers",
    async () => {
      const error = await catchError(() =>
        sql.transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          const pid = rows[0]?.pid;
          const sleeping = tx.query("SELECT pg_sleep(10)");
          sleeping.catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await sql.query("SELECT pg_terminate_backend($1)", [pid]);
          await sleeping;
        }),
      );
      expect(isTransientSqlError(error)).toBe(true);
      const { rows } = await sql.query<{ one: number }>("SELECT 1 AS one");
      expect(rows).toEqual([{ one: 1 }]);
    },
  );

  it.runIf(name.startsWith("server"))(
    "when a transaction idles past idle_in_transaction_session_timeout, then it fails without crashing and onError hears of it",
    async () => {
      const reported: Error[] = [];
      const short = createPostgresClient({
        connectionString: databaseUrl as string,
        maxConnections: 2,
        idleInTransactionTimeoutMs: 150,
        onError: (error) => reported.push(error),
      });
      try {
        const error = await catchError(() =>
          short.transaction(async (tx) => {
            await tx.query("SELECT 1");
            await new Promise((resolve) => setTimeout(resolve, 600));
            await tx.query("SELECT 2");
          }),
        );
        expect(isTransientSqlError(error)).toBe(true);
        expect(reported.length).toBeGreaterThan(0);
        const { rows } = await short.transaction((tx) => tx.query<{ two: number }>("SELECT 2 AS two"));
        expect(rows).toEqual([{ two: 2 }]);
      } finally {
        await short.close();
      }
    },
  );
});

describe("given names interpolated into SQL", () => {
  it.each(["a", "_", "threads", "t_es_0123456789", "a".repeat(63), "_9"])(
    "when the name is %j, then sqlIdentifier returns it unchanged",
    (name) => {
      expect(sqlIdentifier(name)).toBe(name);
    },
  );

  it.each([
    "",
    "A",
    "Threads",
    "1abc",
    "a-b",
    "a b",
    "a;drop",
    "a.b",
    '"quoted"',
    "a".repeat(64),
    "ä",
    "a\n",
    "a'",
  ])("when the name is %j, then sqlIdentifier refuses it", (name) => {
    let caught: unknown;
    try {
      sqlIdentifier(name);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidIdentifierError);
    expect((caught as InvalidIdentifierError).identifier).toBe(name);
  });

  it("when any string is checked, then only plain lower-case identifiers of 1-63 chars pass", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        const plain = /^[a-z_][a-z0-9_]*$/.test(name) && name.length <= 63;
        if (plain) expect(sqlIdentifier(name)).toBe(name);
        else expect(() => sqlIdentifier(name)).toThrow(InvalidIdentifierError);
      }),
    );
  });
});

describe("given errors from the drivers", () => {
  const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

  it.each([
    ["08006 connection failure", withCode("08006")],
    ["08003 connection does not exist", withCode("08003")],
    ["57P01 admin shutdown", withCode("57P01")],
    ["57P03 cannot connect now", withCode("57P03")],
    ["40001 serialization failure", withCode("40001")],
    ["40P01 deadlock", withCode("40P01")],
    ["53300 too many connections", withCode("53300")],
    ["ECONNRESET", withCode("ECONNRESET")],
    ["ECONNREFUSED", withCode("ECONNREFUSED")],
    ["EPIPE", withCode("EPIPE")],
    ["ETIMEDOUT", withCode("ETIMEDOUT")],
    ["a terminated connection message", new Error("Connection terminated unexpectedly")],
    [
      "a connection timeout message",
      new Error("timeout exceeded when trying to connect: connection timeout"),
    ],
  ])("when the error is %s, then it is transient", (_label, error) => {
    expect(isTransientSqlError(error)).toBe(true);
  });

  it.each([
    ["23505 unique violation", withCode("23505")],
    ["23503 foreign key", withCode("23503")],
    ["42601 syntax error", withCode("42601")],
    ["22012 division by zero", withCode("22012")],
    ["a handler bug", new Error("cannot read properties of undefined")],
    ["an unknown node code", withCode("ENOENT")],
    ["null", null],
    ["undefined", undefined],
    ["a string", "ECONNRESET"],
  ])("when the error is %s, then it is not transient", (_label, error) => {
    expect(isTransientSqlError(error)).toBe(false);
  });

  it("when the code is not a SQLSTATE, then sqlState returns null", () => {
    expect(sqlState(withCode("23505"))).toBe("23505");
    expect(sqlState(withCode("ECONNRESET"))).toBeNull();
    expect(sqlState(withCode("2350"))).toBeNull();
    expect(sqlState({ code: 23505 })).toBeNull();
    expect(sqlState(null)).toBeNull();
  });

  it("when a unique violation carries a constraint, then only that constraint name matches", () => {
    const error = Object.assign(withCode("23505"), { constraint: "users_pkey" });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, "users_pkey")).toBe(true);
    expect(isUniqueViolation(error, "users_email_key")).toBe(false);
    expect(isUniqueViolation(withCode("23503"), "users_pkey")).toBe(false);
  });
});

describe("given a file-backed PGlite", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "pglite-"));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("when data is written, closed and reopened, then it is still there and the lock is freed", async () => {
    const first = await createPgliteClient({ dataDir, lockInfo: { opsUrl: "http://127.0.0.1:1" } });
    try {
      expect(first.lock?.path).toBe(join(dataDir, LOCK_FILE));
      const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as Record<string, unknown>;
      expect(info).toMatchObject({ pid: process.pid, opsUrl: "http://127.0.0.1:1" });
      await migrate(first, "app", [
        { version: 1, name: "notes", sql: "CREATE TABLE app.notes (id integer PRIMARY KEY, body text)" },
      ]);
      await first.query("INSERT INTO app.notes VALUES (1, 'kept')");
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    const second = await createPgliteClient({ dataDir });
    try {
      const { rows } = await second.query("SELECT id, body FROM app.notes");
      expect(rows).toEqual([{ id: 1, body: "kept" }]);
      expect(await migrate(second, "app", [{ version: 1, name: "notes", sql: "SELECT 1" }])).toBe(0);
    } finally {
      await second.close();
    }
  }, 60_000);

  it("when the same directory is opened twice at once, then the second open fails and the first keeps working", async () => {
    const first = await createPgliteClient({ dataDir });
    try {
      const error = await catchError(() => createPgliteClient({ dataDir }));
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as DataDirLockedError).holder.pid).toBe(process.pid);
      const { rows } = await first.query<{ n: number }>("SELECT count(*)::int AS n FROM app.notes");
      expect(rows).toEqual([{ n: 1 }]);
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    } finally {
      await first.close();
    }
    const again = await createPgliteClient({ dataDir });
    await again.close();
  }, 60_000);

  it("when the client is in memory, then it holds no lock and runs on this thread", async () => {
    const memory = await createPgliteClient();
    try {
      expect(memory.lock).toBeNull();
      expect(memory.inWorker).toBe(false);
    } finally {
      await memory.close();
    }
  });

  it("when the client is file-backed, then PGlite runs in a worker thread", async () => {
    const client = await createPgliteClient({ dataDir });
    try {
      expect(client.inWorker).toBe(true);
    } finally {
      await client.close();
    }
  }, 60_000);

  it("when a script queries the worker and never closes it, then the answer arrives and the process still exits", () => {
    // The worker is referenced only while a call is outstanding: unreferenced, the script
    // would exit before its answer; always referenced, it would never exit.
    const source = pathToFileURL(join(import.meta.dirname, "..", "src", "index.ts")).href;
    const script = `const { createPgliteClient } = await import(${JSON.stringify(source)});
      const client = await createPgliteClient({ inWorker: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await client.query("SELECT 40 + 2 AS answer");
      process.stdout.write(String(rows[0].answer));`;
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: join(import.meta.dirname, ".."),
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(output).toBe("42");
  }, 60_000);
});
