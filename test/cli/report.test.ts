import { describe, expect, test } from "bun:test";
import type { Action, Outcome, RunResult, Secret } from "../../src/kinds/plan.ts";
import { jsonReport } from "../../src/report/json.ts";
import { textReport } from "../../src/report/text.ts";

const source = { file: "p.yaml", line: 1, column: 1 };
const web = { organisation: "Acme Corp", name: "Web App" };

function outcome(action: Omit<Action, "key" | "entity"> & { entity: object }, secrets: Secret[] = []): Outcome {
  return { action: { key: "k", ...action, entity: { source, ...action.entity } } as Action, secrets };
}

/** The contract §3 example, action by action. */
const outcomes: Outcome[] = [
  outcome({ kind: "user", op: "create", parent: null, entity: { email: "admin@example.com" } }, [
    { kind: "resetLink", url: "http://localhost:8000/password-reset/confirm/MQ/abc-def" },
  ]),
  outcome({ kind: "organisation", op: "skip", parent: null, entity: { name: "Acme Corp" } }),
  outcome({ kind: "project", op: "create", parent: null, entity: { name: "Web App", organisation: "Acme Corp" } }),
  outcome({ kind: "environment", op: "create", parent: null, entity: { name: "Development", project: web } }, [
    { kind: "environmentKey", key: "envkey123" },
  ]),
  outcome({ kind: "feature", op: "create", parent: null, entity: { name: "dark_mode", project: web } }),
  outcome({ kind: "segment", op: "create", parent: null, entity: { name: "beta_users", project: web } }),
  outcome(
    {
      kind: "masterApiKey",
      op: "create",
      parent: null,
      entity: { name: "CI/CD Pipeline Key", organisation: "Acme Corp" },
    },
    [{ kind: "masterApiKey", key: "abcdefgh.0123456789abcdefghijklmnopqrstuv" }],
  ),
  outcome({
    kind: "membership",
    op: "create",
    parent: "existing",
    entity: { email: "dev@example.com", organisation: "Acme Corp", role: "USER" },
  }),
  // Silent: created with a parent being created, or already there under an existing parent.
  outcome({
    kind: "membership",
    op: "create",
    parent: "created",
    entity: { email: "x@example.com", organisation: "New", role: "ADMIN" },
  }),
  outcome({
    kind: "membership",
    op: "skip",
    parent: "existing",
    entity: { email: "y@example.com", organisation: "Acme Corp", role: "USER" },
  }),
];

const run = (dryRun: boolean): RunResult => ({ dryRun, offline: false, outcomes, warnings: [] });

describe("text report", () => {
  test("prints the contract's lines and summary", () => {
    expect(textReport(run(false), { showEnvironmentKeys: false, color: false })).toEqual([
      'Created user "admin@example.com".',
      "Please go to the following page and choose a password: http://localhost:8000/password-reset/confirm/MQ/abc-def",
      'Skipped organisation "Acme Corp" (already exists).',
      'Created project "Web App".',
      'Created environment "Development" in project "Web App".',
      'Created feature "dark_mode" in project "Web App".',
      'Created segment "beta_users" in project "Web App".',
      'Created master API key "CI/CD Pipeline Key": abcdefgh.0123456789abcdefghijklmnopqrstuv',
      'Added user "dev@example.com" to organisation "Acme Corp" as USER.',
      "Provisioning complete: 7 created, 1 skipped.",
    ]);
  });

  test("shows environment keys only when asked", () => {
    const lines = textReport(run(false), { showEnvironmentKeys: true, color: false });
    expect(lines).toContain('Created environment "Development" in project "Web App" (API key: envkey123).');
  });

  test("an environment whose file asks (show_key) shows its key without the flag, but never in a dry run", () => {
    const asking = (dryRun: boolean): RunResult => ({
      dryRun,
      offline: false,
      warnings: [],
      outcomes: [
        outcome(
          {
            kind: "environment",
            op: "create",
            parent: null,
            entity: { name: "Production", project: web, showKey: true },
          },
          [{ kind: "environmentKey", key: "fofkey" }],
        ),
        outcome(
          { kind: "environment", op: "create", parent: null, entity: { name: "Other", project: web, showKey: false } },
          [{ kind: "environmentKey", key: "otherkey" }],
        ),
      ],
    });
    expect(textReport(asking(false), { showEnvironmentKeys: false, color: false }).slice(0, 2)).toEqual([
      'Created environment "Production" in project "Web App" (API key: fofkey).',
      'Created environment "Other" in project "Web App".',
    ]);
    expect(textReport(asking(true), { showEnvironmentKeys: false, color: false }).join("\n")).not.toContain("fofkey");
  });

  test("a dry run says would, shows no secret and says nothing was written", () => {
    const lines = textReport(run(true), { showEnvironmentKeys: true, color: false });
    expect(lines[0]).toBe('Would create user "admin@example.com".');
    expect(lines[1]).toBe('Would skip organisation "Acme Corp" (already exists).');
    expect(lines).toContain('Would create master API key "CI/CD Pipeline Key".');
    expect(lines).toContain('Would add user "dev@example.com" to organisation "Acme Corp" as USER.');
    expect(lines.join("\n")).not.toMatch(/abcdefgh|envkey123|password-reset/);
    expect(lines.at(-1)).toBe("Dry run complete: 7 would be created, 1 skipped. Nothing was written.");
  });

  test("colour only when enabled", () => {
    const plain = textReport(run(false), { showEnvironmentKeys: false, color: false }).join("\n");
    expect(plain).not.toContain("\x1b[");
    const coloured = textReport(run(false), { showEnvironmentKeys: false, color: true }).join("\n");
    expect(coloured).toContain("\x1b[");
  });
});

describe("json report", () => {
  test("lists every action and every secret with what it belongs to", () => {
    const doc = jsonReport(run(false), ["w"]);
    expect(doc.actions).toHaveLength(outcomes.length);
    expect(doc.actions.filter((a) => a.reported)).toHaveLength(8);
    expect(doc.summary).toEqual({ created: 7, skipped: 1, differ: 0 });
    expect(doc.secrets).toContainEqual({
      kind: "environmentKey",
      key: "envkey123",
      for: { kind: "environment", name: "Development", project: "Web App", organisation: "Acme Corp" },
    });
    expect(doc.secrets).toHaveLength(3);
    expect(doc.warnings).toEqual(["w"]);
  });

  test("a dry run has no secrets", () => {
    expect(jsonReport(run(true), []).secrets).toEqual([]);
  });
});
