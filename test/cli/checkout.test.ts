import { expect, test, setDefaultTimeout } from "bun:test";
import { REPO, run } from "../helpers/binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

// What the README promises works straight from a checkout, without building anything.
test("bun run provision --preset bootstrap --dry-run works from the checkout", () => {
  const ran = run([process.execPath, "run", "provision", "--preset", "bootstrap", "--dry-run"], { cwd: REPO });
  expect(ran.stdout).toContain('Would create user "admin@example.com".');
  expect(ran.stdout).toContain('Would create organisation "Default Organisation".');
  expect(ran.stdout).toContain('Would create project "Default Project".');
  expect(ran.stdout).toContain("Dry run complete: 3 would be created, 0 skipped. Nothing was written.");
  expect(ran.exitCode).toBe(0);
});
