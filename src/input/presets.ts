/**
 * The presets embedded in the binary. Each file is imported as raw text (`with { type: "text" }`), which is what
 * `bun build --compile` embeds, so presets go through the same loader as user files: positions, interpolation,
 * validation. A plain import of a .yaml file would make Bun parse it itself and skip all of that.
 */
import type { Source } from "./source.ts";
import bootstrapYaml from "../../presets/bootstrap/bootstrap.yaml" with { type: "text" };
import demoYaml from "../../presets/demo/demo.yaml" with { type: "text" };
import devYaml from "../../presets/dev/dev.yaml" with { type: "text" };
import e2eYaml from "../../presets/e2e/e2e.yaml" with { type: "text" };
import fofYaml from "../../presets/fof/fof.yaml" with { type: "text" };

/** One embedded preset: what `--preset NAME` loads and `presets` / `presets show NAME` print. */
export interface Preset {
  name: string;
  /** One line, taken from the first line of the first file's comment header (`# name: summary`). */
  summary: string;
  /** Environment variables the preset reads (`${VAR}` / `${VAR:default}`), in order of first use. */
  variables: string[];
  files: Source[];
}

/** Builds a preset from its files (file name → raw YAML text), in the order given. */
function definePreset(name: string, texts: Record<string, string>): Preset {
  const files = Object.entries(texts).map(([file, text]) => ({ name: `preset:${name}/${file}`, text }));
  return { name, summary: summaryOf(name, files[0]?.text ?? ""), variables: variablesOf(files), files };
}

/** First header line `# <name>: <summary>` → `<summary>`. */
function summaryOf(name: string, text: string): string {
  const first = text.split("\n", 1)[0] ?? "";
  const prefix = `# ${name}:`;
  return first.startsWith(prefix) ? first.slice(prefix.length).trim() : "";
}

/** `${VAR}` and `${VAR:default}` outside comments, skipping the `$${…}` escape. */
function variablesOf(files: Source[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const line of file.text.split("\n")) {
      if (line.trimStart().startsWith("#")) continue;
      for (const match of line.matchAll(/(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) if (!match[1]) names.add(match[2]!);
    }
  }
  return [...names];
}

/** Every embedded preset, in the order `presets` lists them. */
export const PRESETS: readonly Preset[] = [
  definePreset("bootstrap", { "bootstrap.yaml": bootstrapYaml }),
  definePreset("dev", { "dev.yaml": devYaml }),
  definePreset("e2e", { "e2e.yaml": e2eYaml }),
  definePreset("demo", { "demo.yaml": demoYaml }),
  definePreset("fof", { "fof.yaml": fofYaml }),
];

/** The preset called `name` (exact, lower case), or undefined. */
export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
