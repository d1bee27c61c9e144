import { beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO, STACK_LINE, ensureBinary, run } from "../helpers/binary.ts";

// Building the binary and creating databases take seconds on a busy machine; hooks included.
setDefaultTimeout(120_000);

/**
 * Every invalid fixture, run through the compiled binary: exit 2, the position its first line
 * promises, and no stack trace. A file says `# expect: <rule> at <line>:<column> …`; a directory
 * (a cross-file mistake) says it in its first file as `# expect: <rule> at <file>:<line>:<column> …`.
 */
const DIR = join("test", "fixtures", "invalid");
const fixtures = existsSync(join(REPO, DIR))
  ? readdirSync(join(REPO, DIR))
      .filter((f) => /\.ya?ml$/.test(f) || statSync(join(REPO, DIR, f)).isDirectory())
      .sort()
  : [];

/** The command line for a fixture and the `file:line:column` its errors must mention. */
function caseOf(fixture: string): { args: string[]; position: string } | null {
  const path = join(DIR, fixture);
  const isDirectory = statSync(join(REPO, path)).isDirectory();
  const first = isDirectory
    ? readdirSync(join(REPO, path))
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()[0]
    : fixture;
  if (!first) return null;
  const text = readFileSync(join(REPO, isDirectory ? join(path, first) : path), "utf8");
  const match = /^#\s*expect:\s*\S+\s+at\s+(?:(\S+?):)?(\d+):(\d+)/.exec(text.split("\n", 1)[0] ?? "");
  if (!match) return null;
  const file = isDirectory ? join(path, match[1] ?? first) : path;
  return { args: isDirectory ? ["--directory", path] : ["--file", path], position: `${file}:${match[2]}:${match[3]}` };
}

let binary: string;
beforeAll(() => {
  binary = ensureBinary();
});

describe("validate rejects every invalid fixture with its position", () => {
  test("there are invalid fixtures to check", () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test.each(fixtures)("%s", (fixture) => {
    const expected = caseOf(fixture);
    expect(expected, `${fixture} needs a first line "# expect: <rule> at <line>:<column>"`).not.toBeNull();
    const ran = run([binary, "validate", ...expected!.args], { cwd: REPO });
    expect(ran.exitCode).toBe(2);
    expect(ran.stderr).toContain(expected!.position);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.stdout).toBe("");
  });
});
