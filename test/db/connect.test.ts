import { describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync } from "node:fs";
import { resolveDatabaseUrl, withDatabase } from "../../src/db/connect.ts";
import { parseDatabaseUrl } from "../../src/db/url.ts";
import { UserError } from "../../src/errors.ts";
import { ADMIN_URL } from "../helpers/database.ts";

// Creating databases from templates can take seconds while other suites hammer the server.
setDefaultTimeout(30_000);

const django = {
  DJANGO_DB_HOST: "db.internal",
  DJANGO_DB_PORT: "5433",
  DJANGO_DB_NAME: "flagsmith",
  DJANGO_DB_USER: "flag smith",
  DJANGO_DB_PASSWORD: "p@ss:w/rd%",
};

describe("resolveDatabaseUrl", () => {
  test("--database-url wins over everything", () => {
    expect(
      resolveDatabaseUrl({ databaseUrl: "postgres://a/b", env: { DATABASE_URL: "postgres://c/d", ...django } }),
    ).toBe("postgres://a/b");
  });

  test("DATABASE_URL wins over DJANGO_DB_*, as in Flagsmith's settings", () => {
    expect(resolveDatabaseUrl({ env: { DATABASE_URL: "postgres://c/d", ...django } })).toBe("postgres://c/d");
  });

  test("DJANGO_DB_* build a URL whose parts survive special characters", () => {
    const url = new URL(resolveDatabaseUrl({ env: django })!);
    expect(url.hostname).toBe("db.internal");
    expect(url.port).toBe("5433");
    expect(decodeURIComponent(url.username)).toBe("flag smith");
    expect(decodeURIComponent(url.password)).toBe("p@ss:w/rd%");
    expect(decodeURIComponent(url.pathname.slice(1))).toBe("flagsmith");
  });

  test("empty DJANGO_DB_HOST/PORT mean localhost:5432", () => {
    const url = new URL(
      resolveDatabaseUrl({ env: { ...django, DJANGO_DB_HOST: "", DJANGO_DB_PORT: "", DJANGO_DB_PASSWORD: "" } })!,
    );
    expect(url.hostname).toBe("localhost");
    expect(url.port === "" || url.port === "5432").toBe(true);
    expect(url.password).toBe("");
  });

  test("nothing configured → null", () => {
    expect(resolveDatabaseUrl({ env: {} })).toBeNull();
    expect(resolveDatabaseUrl({ databaseUrl: "", env: { DATABASE_URL: "" } })).toBeNull();
    // Flagsmith only looks at DJANGO_DB_* when DJANGO_DB_NAME is set.
    expect(resolveDatabaseUrl({ env: { DJANGO_DB_HOST: "x" } })).toBeNull();
  });

  test("a DJANGO_DB_HOST starting with / is a Unix-socket directory, passed the libpq way", () => {
    const url = resolveDatabaseUrl({ env: { ...django, DJANGO_DB_HOST: "/cloudsql/project:region:db" } })!;
    expect(new URL(url).searchParams.get("host")).toBe("/cloudsql/project:region:db");
    expect(parseDatabaseUrl(url, "x").host).toEqual(["/cloudsql/project:region:db"]);
  });

  test("DJANGO_DB_NAME without the others is an input error naming them", () => {
    try {
      resolveDatabaseUrl({ env: { DJANGO_DB_NAME: "flagsmith", DJANGO_DB_HOST: "db" } });
      throw new Error("expected a UserError");
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toContain("DJANGO_DB_PORT, DJANGO_DB_USER, DJANGO_DB_PASSWORD are not");
    }
  });
});

describe("withDatabase", () => {
  test("runs fn, reports each statement, and ends the client even when fn throws", async () => {
    const queries: string[] = [];
    let client: import("postgres").Sql | undefined;
    const value = await withDatabase(
      ADMIN_URL,
      async (sql) => {
        client = sql;
        const [row] = await sql`select ${41}::int + 1 as answer`;
        return row!.answer as number;
      },
      { onQuery: (q) => queries.push(q) },
    );
    expect(value).toBe(42);
    expect(queries.some((q) => q.includes("as answer"))).toBe(true);
    // An ended client refuses new queries.
    await expect(client!`select 1`).rejects.toThrow();

    await expect(
      withDatabase(ADMIN_URL, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });

  test("an unreachable server fails within the connect timeout", async () => {
    const started = Date.now();
    await expect(withDatabase("postgres://postgres@127.0.0.1:1/postgres", (sql) => sql`select 1`)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("parseDatabaseUrl", () => {
  test("takes a socket directory from ?host= or a percent-encoded host, and leaves other URLs alone", () => {
    const parse = (url: string) => parseDatabaseUrl(url, "DATABASE_URL");
    expect(parse("postgres://u:p@localhost:5433/db?host=/var/run/postgresql&sslmode=disable")).toEqual({
      host: ["/var/run/postgresql"],
      port: [5433],
      database: "db",
      username: "u",
      password: "p",
      ssl: false,
      parameters: {},
    });
    expect(parse("postgres://u@%2Fvar%2Frun%2Fpostgresql:5432/db")).toMatchObject({
      host: ["/var/run/postgresql"],
      port: [5432],
    });
    expect(parse("postgres://u@%2Ftmp/db")).toMatchObject({ host: ["/tmp"], port: [5432], database: "db" });
    expect(parse("postgres://u@db.internal:5432/db?sslmode=require")).toMatchObject({
      host: ["db.internal"],
      ssl: "require",
    });
    expect(parse("postgres://u@db/db?host=db2")).toMatchObject({ host: ["db2"] });
    // libpq's usual socket form: no host in the authority at all.
    expect(parse("postgres://u:pw@/db?host=/var/run/postgresql")).toMatchObject({
      host: ["/var/run/postgresql"],
      database: "db",
      password: "pw",
    });
    expect(parse("postgresql://[::1]:6432/x?application_name=a&search_path=s")).toMatchObject({
      host: ["::1"],
      port: [6432],
      parameters: { application_name: "a", search_path: "s" },
    });
    expect(parse("postgres://h1:5433,h2/db")).toMatchObject({ host: ["h1", "h2"], port: [5433, 5432] });
  });
});

// The local PostgreSQL of the development and CI machines listens on this Unix socket too (Debian's default).
const SOCKET_DIR = "/var/run/postgresql";
test.skipIf(!existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`))(
  "DJANGO_DB_HOST=/dir connects over the Unix socket in that directory",
  async () => {
    const admin = new URL(ADMIN_URL);
    const url = resolveDatabaseUrl({
      env: {
        DJANGO_DB_HOST: SOCKET_DIR,
        DJANGO_DB_PORT: "5432",
        DJANGO_DB_NAME: admin.pathname.slice(1) || "postgres",
        DJANGO_DB_USER: admin.username || "postgres",
        DJANGO_DB_PASSWORD: "",
      },
    })!;
    // A TCP connection has a server address; a Unix-socket one has none.
    const address = await withDatabase(url, async (sql) => (await sql`select inet_server_addr() as a`)[0]!.a);
    expect(address).toBeNull();
  },
);

test("a percent-encoded database name reaches the server decoded", async () => {
  const { createEmptyTestDatabase } = await import("../helpers/database.ts");
  const db = await createEmptyTestDatabase();
  try {
    const url = new URL(db.url);
    url.pathname = "/" + [...db.name].map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
    const name = await withDatabase(url.toString(), async (sql) => (await sql`select current_database() as d`)[0]!.d);
    expect(name).toBe(db.name);
  } finally {
    await db.drop();
  }
});
