import { describe, expect, test } from "bun:test";
import { ApplyError, ExitCode, UserError } from "../../src/errors.ts";
import { describeError } from "../../src/main.ts";

describe("describeError (what main prints and exits with)", () => {
  test("a UserError shows every issue with its position, no stack, its exit code", () => {
    const error = new UserError(
      [
        {
          rule: "unknown-key",
          message: 'unknown field "emial"',
          position: { file: "a.yaml", line: 3, column: 5 },
          hint: 'did you mean "email"?',
        },
        { rule: "unsupported", message: "missing table x" },
      ],
      ExitCode.unsupportedDatabase,
    );
    const { lines, exitCode } = describeError(error);
    expect(lines).toEqual([
      'a.yaml:3:5: error: unknown field "emial"\n  hint: did you mean "email"?',
      "error: missing table x",
    ]);
    expect(exitCode).toBe(3);
  });

  test("an ApplyError repeats Postgres's code, detail, constraint and hint; exit 1", () => {
    const error = new ApplyError(
      'creating project "Web App" (p.yaml:4:5): duplicate key value violates unique constraint "x_key"',
      {
        code: "23505",
        detail: "Key (name)=(Web App) already exists.",
        constraint: "x_key",
        hint: "drop it",
      },
    );
    const { lines, exitCode } = describeError(error);
    expect(lines[0]).toBe(
      'error: creating project "Web App" (p.yaml:4:5): duplicate key value violates unique constraint "x_key"',
    );
    expect(lines).toContain("  postgres code: 23505");
    expect(lines).toContain("  detail: Key (name)=(Web App) already exists.");
    expect(lines).toContain("  constraint: x_key");
    expect(lines).toContain("  hint: drop it");
    expect(exitCode).toBe(1);
  });

  test("a connection failure is a runtime error without a stack", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const { lines, exitCode } = describeError(error);
    expect(lines.join("\n")).not.toMatch(/^\s+at /m);
    expect(lines[0]).toBe("error: database: connect ECONNREFUSED 127.0.0.1:1");
    expect(exitCode).toBe(1);
  });

  test("anything else is a bug: it shows the stack", () => {
    const { lines, exitCode } = describeError(new TypeError("x is undefined"));
    expect(lines[0]).toContain("internal error");
    expect(lines.join("\n")).toMatch(/^\s+at /m);
    expect(exitCode).toBe(1);
  });
});
