/** Issue 9: imports between the parts of src/ point one way (scripts/deps.ts); the check itself can fail. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findViolations, importsOf, partOf } from "../scripts/deps.ts";

test("no file in src/ is over 250 lines (ARCHITECTURE: small files, one concept each)", () => {
  const src = join(import.meta.dir, "..", "src");
  const long = [...new Bun.Glob("**/*.ts").scanSync(src)]
    .map((file) => ({ file, lines: readFileSync(join(src, file), "utf8").split("\n").length - 1 }))
    .filter((f) => f.lines > 250);
  expect(long).toEqual([]);
});

describe("scripts/deps.ts", () => {
  test("src/ has no import against the layers, and so no cycle between its parts", () => {
    expect(findViolations(join(import.meta.dir, "..", "src"))).toEqual([]);
  });

  test("finds an import that goes up, one between middle parts, and one into an unknown part", () => {
    const src = join(mkdtempSync(join(tmpdir(), "fsp-deps-")), "src");
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), text);
    };
    write("kinds/index.ts", 'import { x } from "../flagsmith/a.ts";\nimport type { E } from "../errors.ts";\n');
    write("flagsmith/a.ts", 'export { y } from "../plan/diff.ts";\nconst z = await import("./b.ts");\n');
    write("flagsmith/b.ts", "");
    write("plan/diff.ts", 'import { w } from "../mystery/w.ts";\n');
    write("mystery/w.ts", "");
    write("errors.ts", "");
    expect(
      findViolations(src)
        .map((v) => v.text)
        .sort(),
    ).toEqual(["flagsmith → plan", "kinds → flagsmith", "plan → mystery"]);
  });

  test("reads static, re-exported and dynamic imports, and names a part by its first folder", () => {
    expect(
      importsOf('import a from "./a.ts";\nexport * from "../b.ts";\nawait import("./c.ts");\nimport "x";\n'),
    ).toEqual(["./a.ts", "../b.ts", "./c.ts"]);
    expect(partOf("/r/src", "/r/src/flagsmith/kinds/user.ts")).toBe("flagsmith");
    expect(partOf("/r/src", "/r/src/cli.ts")).toBe("cli");
  });
});
