/** A master API key revoked in the database (issue 8 item 8): planned as a skip with a warning, reported as such. */
import { describe, expect, test } from "bun:test";
import { isReported, type RunResult } from "../../src/kinds/plan.ts";
import { diffState } from "../../src/plan/diff.ts";
import { emptyExisting, masterApiKeyKey, organisationKey, emptyDesired, type Desired } from "../../src/kinds/index.ts";
import { jsonReport } from "../../src/report/json.ts";
import { textReport } from "../../src/report/text.ts";

const FIXED = "abcdefgh.0123456789abcdefghijklmnopqrstuv";
const at = (line: number) => ({ file: "keys.yaml", line, column: 5 });

function desired(): Desired {
  const d = emptyDesired();
  d.organisations.push({ name: "Acme", subscription: null, source: at(1) });
  d.masterApiKeys.push({ organisation: "Acme", name: "Fixed", isAdmin: true, key: FIXED, source: at(3) });
  d.masterApiKeys.push({ organisation: "Acme", name: "Generated", isAdmin: true, key: null, source: at(6) });
  d.masterApiKeys.push({ organisation: "Acme", name: "Live", isAdmin: true, key: null, source: at(8) });
  return d;
}

function existingWithRevoked() {
  const existing = emptyExisting(true);
  existing.ids.organisation.set(organisationKey("Acme"), 1);
  existing.revokedMasterApiKeys.add(masterApiKeyKey("Acme", "Fixed"));
  existing.revokedMasterApiKeys.add(masterApiKeyKey("Acme", "Generated"));
  // A live key with the name wins over revoked ones: the usual "already exists".
  existing.revokedMasterApiKeys.add(masterApiKeyKey("Acme", "Live"));
  existing.ids.masterApiKey.set(masterApiKeyKey("Acme", "Live"), "live-id");
  return existing;
}

describe("a revoked master API key", () => {
  const plan = diffState(desired(), existingWithRevoked());
  const keys = plan.actions.filter((a) => a.kind === "masterApiKey");

  test("is a reported skip with reason revoked; a live one with the name is a plain skip", () => {
    expect(keys.map((a) => [a.entity.name, a.op, a.reason ?? null, isReported(a)])).toEqual([
      ["Fixed", "skip", "revoked", true],
      ["Generated", "skip", "revoked", true],
      ["Live", "skip", null, true],
    ]);
  });

  test("each revoked key gets one warning with its position, organisation and how to rotate, never the key", () => {
    expect(plan.warnings).toEqual([
      'keys.yaml:3:5: master API key "Fixed" in organisation "Acme" was revoked or deleted in Flagsmith, so it is not created again. ' +
        "To issue a replacement, give it a new name and a new key: in the files (the revoked key's prefix stays taken); " +
        "to silence this warning, remove it from the files.",
      'keys.yaml:6:5: master API key "Generated" in organisation "Acme" was revoked or deleted in Flagsmith, so it is not created again. ' +
        "To issue a replacement, give it a new name in the files (a new key is then generated and printed once); " +
        "to silence this warning, remove it from the files.",
    ]);
    expect(plan.warnings.join("\n")).not.toContain("abcdefgh");
  });

  test("nothing revoked, no warning: the plan is what it was", () => {
    const existing = emptyExisting(true);
    existing.ids.organisation.set(organisationKey("Acme"), 1);
    const fresh = diffState(desired(), existing);
    expect(fresh.warnings).toEqual([]);
    expect(fresh.actions.filter((a) => a.kind === "masterApiKey").map((a) => [a.op, a.reason ?? null])).toEqual([
      ["create", null],
      ["create", null],
      ["create", null],
    ]);
  });

  const result = (dryRun: boolean): RunResult => ({
    dryRun,
    offline: false,
    outcomes: plan.actions.map((action) => ({ action, secrets: [] })),
    warnings: plan.warnings,
  });

  test("the text report says why it was skipped, in the run and in the dry run", () => {
    expect(textReport(result(false), { showEnvironmentKeys: false, color: false })).toEqual([
      'Skipped organisation "Acme" (already exists).',
      'Skipped master API key "Fixed" (revoked in the database).',
      'Skipped master API key "Generated" (revoked in the database).',
      'Skipped master API key "Live" (already exists).',
      "Provisioning complete: 0 created, 4 skipped.",
    ]);
    expect(textReport(result(true), { showEnvironmentKeys: false, color: false })[1]).toBe(
      'Would skip master API key "Fixed" (revoked in the database).',
    );
  });

  test("the JSON report marks it a skip with reason revoked; other actions carry no reason", () => {
    const doc = jsonReport(result(false), plan.warnings);
    expect(doc.actions).toEqual([
      { kind: "organisation", op: "skip", reported: true, name: "Acme" },
      { kind: "masterApiKey", op: "skip", reported: true, name: "Fixed", organisation: "Acme", reason: "revoked" },
      { kind: "masterApiKey", op: "skip", reported: true, name: "Generated", organisation: "Acme", reason: "revoked" },
      { kind: "masterApiKey", op: "skip", reported: true, name: "Live", organisation: "Acme" },
    ]);
    expect(doc.summary).toEqual({ created: 0, skipped: 4, differ: 0 });
    expect(doc.secrets).toEqual([]);
  });
});
