import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/errors.ts";
import { isReported } from "../../src/kinds/plan.ts";
import { diffState } from "../../src/plan/diff.ts";
import {
  emptyExisting,
  featureKey,
  membershipKey,
  organisationKey,
  projectKey,
  userKey,
  emptyDesired,
  type Desired,
} from "../../src/kinds/index.ts";

const at = (line: number) => ({ file: "a.yaml", line, column: 3 });

function sample(): Desired {
  const d = emptyDesired();
  d.users.push({
    email: "Dev@example.com",
    isSuperuser: false,
    firstName: "",
    lastName: "",
    username: null,
    password: { kind: "unusable" },
    source: at(1),
  });
  d.organisations.push({ name: "Acme", subscription: null, source: at(2) });
  d.memberships.push({ organisation: "Acme", email: "Dev@example.com", role: "USER", source: at(3) });
  d.projects.push({ organisation: "Acme", name: "Web", settings: {}, source: at(4) });
  d.features.push({
    project: { organisation: null, name: "Mobile" },
    name: "Dark_Mode",
    description: null,
    defaultEnabled: true,
    initialValue: null,
    isServerKeyOnly: false,
    source: at(5),
  });
  return d;
}

describe("diffState", () => {
  test("an empty instance: everything is created, nested items are silent with their new parent", () => {
    const plan = diffState(sample(), emptyExisting(false));
    expect(plan.actions.map((a) => `${a.kind}:${a.op}:${a.parent}`)).toEqual([
      "user:create:null",
      "organisation:create:null",
      "membership:create:created",
      "project:create:null",
      "feature:create:null",
    ]);
    expect(plan.actions.filter(isReported).map((a) => a.kind)).toEqual(["user", "organisation", "project", "feature"]);
    // Offline, the undeclared project is assumed to exist (the loader warns about it); its reference stays unbound.
    expect(plan.actions.at(-1)).toMatchObject({
      kind: "feature",
      entity: { project: { organisation: null, name: "Mobile" } },
    });
  });

  test("existing rows are skipped; a nested item under an existing parent is reported", () => {
    const existing = emptyExisting(true);
    existing.ids.user.set(userKey("dev@EXAMPLE.com"), 1);
    existing.ids.organisation.set(organisationKey("Acme"), 7);
    existing.ids.project.set(projectKey({ organisation: "Acme", name: "Mobile" }), 9);
    existing.projectOrganisations.set("Mobile", ["Acme"]);
    existing.ids.feature.set(featureKey({ organisation: "Acme", name: "Mobile" }, "dark_mode"), 11);
    const plan = diffState(sample(), existing);
    const byKind = Object.fromEntries(plan.actions.map((a) => [a.kind, a]));
    expect(byKind.user!.op).toBe("skip");
    expect(byKind.organisation!.op).toBe("skip");
    expect(byKind.membership).toMatchObject({
      op: "create",
      parent: "existing",
      key: membershipKey("Acme", "dev@example.com"),
    });
    expect(isReported(byKind.membership!)).toBe(true);
    // The feature's project was bound to its organisation and the case-insensitive key matched.
    expect(byKind.feature).toMatchObject({ op: "skip", entity: { project: { organisation: "Acme", name: "Mobile" } } });
  });

  test("an undeclared project in several organisations is ambiguous", () => {
    const existing = emptyExisting(true);
    existing.projectOrganisations.set("Mobile", ["Acme", "Globex"]);
    expect(() => diffState(sample(), existing)).toThrow(UserError);
    try {
      diffState(sample(), existing);
    } catch (e) {
      const issue = (e as UserError).issues[0]!;
      expect(issue.rule).toBe("ambiguous-project");
      expect(issue.message).toContain(`"Acme", "Globex"`);
      expect(issue.position).toEqual(at(5));
    }
  });

  test("against a database, references that exist nowhere are errors, all reported at once", () => {
    const d = sample();
    d.users = [];
    d.features = [];
    d.memberships.push({ organisation: "Nope", email: "x@y.z", role: "ADMIN", source: at(9) });
    try {
      diffState(d, emptyExisting(true));
      throw new Error("expected a UserError");
    } catch (e) {
      const issues = (e as UserError).issues;
      expect(issues.map((i) => i.rule)).toEqual(["dangling-reference", "dangling-reference", "dangling-reference"]);
      expect(issues.map((i) => i.message)).toEqual([
        `user "Dev@example.com" is neither declared in the files nor present in the database`,
        `organisation "Nope" is neither declared in the files nor present in the database`,
        `user "x@y.z" is neither declared in the files nor present in the database`,
      ]);
    }
  });
});
