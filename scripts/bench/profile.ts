/**
 * Where an apply's time goes: runs the same pipeline as `apply` in this process on a fresh bench
 * database, timing each phase and each statement (the gap from one statement being sent to the next:
 * its server time plus the client's handling of its result; one connection, so nothing overlaps).
 *
 * With --explain, auto_explain prints the plan (EXPLAIN ANALYZE) of every statement slower than 200 ms.
 * Uses its own client with the options withDatabase uses (one connection, no prepared statements).
 *
 * Usage: bun scripts/bench/profile.ts [--preset NAME | --shape P,E,F,S [--overrides N]] [--rerun] [--top N] [--explain]
 *   default --shape 10,10,100,100; --overrides N: the bench's overrides workload, N features per project with
 *   §5 content in every environment; --rerun profiles the no-op second run instead of the first.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { withTransaction } from "../../src/db/transaction.ts";
import { applyPlan, readExisting } from "../../src/flagsmith/execute.ts";
import { checkCompatibility, refuseUnfitInput } from "../../src/flagsmith/compat.ts";
import { diffState } from "../../src/plan/diff.ts";
import { loadDesired } from "../../src/input/index.ts";
import { discoverSources } from "../../src/input/discover.ts";
import { BenchDatabases, benchSchema } from "./databases.ts";
import { writeOverridesWorkload } from "./overrides-workload.ts";
import { writeWorkload } from "./workload.ts";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const preset = option("--preset");
const [projects, environments, features, segments] = (option("--shape") ?? "10,10,100,100").split(",").map(Number) as [
  number,
  number,
  number,
  number,
];
const overridden = option("--overrides") === undefined ? null : Number(option("--overrides"));
const top = Number(option("--top") ?? 15);
const env = { DJANGO_SECRET_KEY: "bench-secret-key" } as Record<string, string>;

interface Sent {
  at: number;
  query: string;
  phase: string;
}

async function profiledRun(
  url: string,
  sourceOptions: { directory?: string; preset?: string },
  record: boolean,
): Promise<void> {
  const sent: Sent[] = [];
  const phases: Array<[string, number]> = [];
  let phase = "connect";
  const started = performance.now();
  const mark = (next: string) => {
    phases.push([phase, performance.now()]);
    phase = next;
  };
  phase = "load";
  const sources = discoverSources({ files: [], ...sourceOptions, env, cwd: process.cwd() });
  const { desired } = loadDesired(sources, env, { permissionKeys: null });
  mark("connect+begin+lock");
  const explain = record && args.includes("--explain");
  const sql = postgres(url, {
    prepare: false,
    max: 1,
    onnotice: explain ? (notice) => console.log(`auto_explain: ${notice.message}\n`) : () => {},
    debug: (_connection, query) => void sent.push({ at: performance.now(), query, phase }),
  });
  try {
    await withTransaction(sql, async (tx) => {
      if (explain) {
        await tx.unsafe("load 'auto_explain'");
        await tx.unsafe("set local auto_explain.log_min_duration = 200");
        await tx.unsafe("set local auto_explain.log_analyze = on");
        await tx.unsafe("set local auto_explain.log_level = notice");
      }
      mark("compat");
      const compat = await checkCompatibility(tx);
      refuseUnfitInput(desired, compat);
      mark("read existing");
      const existing = await readExisting(tx, desired);
      mark("diff");
      const plan = diffState(desired, existing);
      mark("apply");
      await applyPlan(tx, plan, existing, {
        settings: { djangoSecretKey: env.DJANGO_SECRET_KEY!, flagsmithDomain: null },
        present: compat.present,
      });
      mark("commit+end");
    });
  } finally {
    await sql.end();
  }
  mark("done");
  if (!record) return;

  console.log(`total ${(performance.now() - started).toFixed(0)} ms, ${sent.length} statements\n\nphases:`);
  let previous = started;
  for (const [name, at] of phases) {
    if (name === "done") continue;
    console.log(
      `  ${name.padEnd(20)} ${(at - previous).toFixed(0).padStart(7)} ms  (${sent.filter((s) => s.phase === name).length} statements)`,
    );
    previous = at;
  }
  const end = phases[phases.length - 1]![1];
  const timed = sent.map((s, i) => ({ ...s, ms: (sent[i + 1]?.at ?? end) - s.at }));
  console.log(`\nslowest ${top} statements (ms from sending it to sending the next):`);
  for (const s of [...timed].sort((a, b) => b.ms - a.ms).slice(0, top)) {
    console.log(`  ${s.ms.toFixed(0).padStart(7)} ms  [${s.phase}] ${s.query.replace(/\s+/g, " ").slice(0, 160)}`);
  }
}

const schema = benchSchema(join(import.meta.dir, "..", ".."));
const dbs = new BenchDatabases(schema.path);
const dir = mkdtempSync(join(tmpdir(), "fsp-profile-"));
try {
  const source = preset ? { preset } : { directory: dir };
  const shape = { projects, environments, features, segments };
  if (!preset && overridden !== null) writeOverridesWorkload(dir, { ...shape, overridden });
  else if (!preset) writeWorkload(dir, shape);
  console.log(
    `profile of ${preset ? `preset ${preset}` : `${projects}×${environments}×${features} + ${segments} segments/project${overridden === null ? "" : `, §5 content on ${overridden} features/project`}`} on ${schema.label}${args.includes("--rerun") ? " (no-op re-run)" : ""}`,
  );
  const db = await dbs.fresh();
  if (args.includes("--rerun")) await profiledRun(db.url, source, false);
  await profiledRun(db.url, source, true);
} finally {
  await dbs.dropAll();
  rmSync(dir, { recursive: true, force: true });
}
