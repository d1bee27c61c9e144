/**
 * The benchmark's own databases (all named fsp_bench_<pid>_…): one template loaded from the real
 * v2.265.0 dump (or our fixture schema when the dump is absent), then a fresh copy per workload.
 * Everything is dropped by dropAll(), also after a failure.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The schema the benchmark runs against: the real dump when ../shared exists, else the fixture. */
export function benchSchema(repo: string): { label: string; path: string } {
  const dump = join(repo, "..", "shared", "flagsmith", "flagsmith-v2.265.0.sql");
  if (existsSync(dump)) return { label: "Flagsmith v2.265.0 dump", path: dump };
  return { label: "test/fixtures/schema.sql (dump not found)", path: join(repo, "test", "fixtures", "schema.sql") };
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = "/" + database;
  return url.toString();
}

/** Creates and tracks the benchmark's databases. */
export class BenchDatabases {
  private readonly admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  private readonly created: string[] = [];
  private template: string | null = null;
  private counter = 0;

  constructor(private readonly schemaPath: string) {}

  private nextName(): string {
    return `fsp_bench_${process.pid}_${this.counter++}`;
  }

  /** A fresh database with the schema loaded; returns its name and URL. */
  async fresh(): Promise<{ name: string; url: string }> {
    if (this.template === null) {
      const name = this.nextName();
      await this.admin.unsafe(`create database "${name}"`);
      this.created.push(name);
      const loader = postgres(urlFor(name), { max: 1, onnotice: () => {} });
      try {
        await loader.unsafe(readFileSync(this.schemaPath, "utf8")).simple();
      } finally {
        await loader.end();
      }
      this.template = name;
    }
    const name = this.nextName();
    await this.admin.unsafe(`create database "${name}" template "${this.template}"`);
    this.created.push(name);
    // Copying the template leaves megabytes of dirty pages that the checkpointer would flush while the measured
    // run commits (its WAL fsync then waits behind them: runs of 150 ms took 500-900 ms). Flush them first, so
    // the figures are the tool's and not the copy's; a Flagsmith database is not created a moment before a run.
    await this.admin.unsafe("checkpoint");
    return { name, url: urlFor(name) };
  }

  /** Drops one database before the end (the large workloads' take disk space). */
  async drop(name: string): Promise<void> {
    await this.admin.unsafe(`drop database if exists "${name}" with (force)`);
    const at = this.created.indexOf(name);
    if (at !== -1) this.created.splice(at, 1);
  }

  /** Drops every database this run created. */
  async dropAll(): Promise<void> {
    for (const name of this.created.reverse())
      await this.admin.unsafe(`drop database if exists "${name}" with (force)`);
    this.created.length = 0;
    await this.admin.end();
  }
}
