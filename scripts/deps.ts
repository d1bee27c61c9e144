/**
 * `bun scripts/deps.ts`: checks that imports between the parts of src/ point one way (ARCHITECTURE.md):
 *
 *   main → cli → commands → provision → {input, plan, flagsmith, db, report, export} → kinds → {io, suggest} → errors
 *
 * A part is a folder under src/ or a file at its top. An import is allowed only from a higher part to a
 * lower one (or within a part), so there can be no cycle between parts; the middle parts never import each
 * other. Prints every import that breaks this and exits 1; exits 0 and prints a summary when there is none.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Each part's rank: an import must go to a strictly lower rank, or stay inside its part. */
export const RANKS: Record<string, number> = {
  main: 9,
  "process-io": 8,
  cli: 7,
  help: 6,
  commands: 6,
  provision: 5,
  input: 4,
  plan: 4,
  flagsmith: 4,
  db: 4,
  report: 4,
  export: 4,
  kinds: 2,
  io: 1,
  suggest: 1,
  errors: 0,
};

/** One import that breaks the direction. */
export interface Violation {
  from: string;
  to: string;
  text: string;
}

/** The part of a path under src/ (`src/flagsmith/kinds/user.ts` → `flagsmith`, `src/cli.ts` → `cli`). */
export function partOf(srcDir: string, file: string): string {
  const [first] = relative(srcDir, file).split("/");
  return first!.replace(/\.ts$/, "");
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports (`import … from "./x.ts"`, `export … from`, `import("./x.ts")`) of one file's text. */
export function importsOf(text: string): string[] {
  const found = text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm);
  return [...found].map((m) => m[1]!);
}

/** Every import of src/ that goes against RANKS; a part missing from RANKS is itself a violation. */
export function findViolations(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of sourceFiles(srcDir)) {
    const from = partOf(srcDir, file);
    for (const specifier of importsOf(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(srcDir + "/")) continue; // package.json, presets' YAML: data, not code
      if (!target.endsWith(".ts")) continue;
      const to = partOf(srcDir, target);
      if (from === to) continue;
      const [a, b] = [RANKS[from], RANKS[to]];
      if (a === undefined || b === undefined || a <= b) {
        violations.push({ from: relative(srcDir, file), to: relative(srcDir, target), text: `${from} → ${to}` });
      }
    }
  }
  return violations;
}

if (import.meta.main) {
  const src = join(import.meta.dir, "..", "src");
  const violations = findViolations(src);
  for (const v of violations) console.log(`src/${v.from} imports src/${v.to}: ${v.text} goes against the layers`);
  if (violations.length) {
    console.log(`${violations.length} import(s) against the layers (scripts/deps.ts RANKS).`);
    process.exit(1);
  }
  console.log(`Imports follow the layers: ${Object.keys(RANKS).join(" > ")}.`);
}
