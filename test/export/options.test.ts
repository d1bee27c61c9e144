/** The flags of `export` (commands/export-options.ts), as cac hands them over. */
import { expect, test } from "bun:test";
import { readExportOptions } from "../../src/commands/export-options.ts";
import { VERBATIM } from "../../src/commands/options.ts";
import { UserError } from "../../src/errors.ts";

const typed = (v: string) => VERBATIM + v;

test("repeatable names, comma-separated parts in any order (listed in one order), all, and hashes bring users", () => {
  expect(
    readExportOptions({
      organisation: [typed("Acme"), typed("Beta"), typed("Acme")],
      project: typed("Web"),
      include: [typed("password-hashes, identities")],
      outputDir: typed("out"),
    }),
  ).toEqual({
    organisations: ["Acme", "Beta"],
    projects: ["Web"],
    include: ["identities", "users", "password-hashes"],
    outputDir: "out",
  });
  expect(readExportOptions({ include: typed("all") }).include).toEqual([
    "identities",
    "overrides",
    "users",
    "password-hashes",
  ]);
  expect(readExportOptions({})).toEqual({ organisations: [], projects: [], include: [] });
});

test("every bad flag at once, exit 2", () => {
  let error: unknown;
  try {
    readExportOptions({ include: typed("users,secrets"), organisation: true, outputDir: typed(""), wait: typed("x") });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  expect((error as UserError).issues.map((i) => i.message)).toEqual([
    '--wait must be a number of seconds (0 or more), not "x"',
    "--organisation needs a name",
    '--include: "secrets" is not a part of an export',
    "--output-dir needs a directory",
  ]);
});
