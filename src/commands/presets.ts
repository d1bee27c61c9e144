import { UserError } from "../errors.ts";
import { PRESETS, findPreset } from "../input/presets.ts";
import type { Io } from "../io.ts";

/** `presets`: the embedded presets, one per line with its summary. */
export function listPresetsCommand(io: Io): void {
  const width = Math.max(...PRESETS.map((p) => p.name.length));
  for (const preset of PRESETS) io.out(`${preset.name.padEnd(width)}  ${preset.summary}`.trimEnd());
}

/** `presets show NAME`: the preset's YAML exactly as embedded, comment header included. */
export function showPresetCommand(name: string, io: Io): void {
  const preset = findPreset(name);
  if (!preset) {
    throw new UserError([
      {
        rule: "unknown-preset",
        message: `unknown preset "${name}"`,
        hint: `the presets are: ${PRESETS.map((p) => p.name).join(", ")}`,
      },
    ]);
  }
  const many = preset.files.length > 1;
  for (const file of preset.files) {
    // A preset of several files is shown file by file, each introduced by a comment naming it.
    if (many) io.out(`# ==> ${file.name} <==`);
    io.out(file.text.replace(/\n$/, ""));
  }
}
