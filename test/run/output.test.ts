/**
 * A script that pipes `--output json` into a slow reader gets the whole document: the process must
 * not exit while stdout is still backlogged (Bun reports writableLength 0 even then).
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWorkload } from "../../scripts/bench/workload.ts";
import { ensureBinary } from "../helpers/binary.ts";

setDefaultTimeout(60_000);

let work = "";
beforeAll(() => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "fsp-run-output-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("a JSON report of hundreds of kilobytes reaches a reader that starts late, complete", async () => {
  const dir = join(work, "provisioning");
  const counts = writeWorkload(dir, { projects: 4, environments: 5, features: 1000, segments: 10 });
  // Offline dry run: no database needed, and every action is in the document.
  const child = Bun.spawn([ensureBinary(), "--directory", dir, "--dry-run", "--output", "json"], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  await Bun.sleep(1500); // the pipe's buffer fills long before we start reading
  const [stdout, exitCode] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  expect(exitCode).toBe(0);
  expect(stdout.length).toBeGreaterThan(500_000);
  const doc = JSON.parse(stdout) as { summary: { created: number } };
  expect(doc.summary.created).toBe(counts.reported);
});
