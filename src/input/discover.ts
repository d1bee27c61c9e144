import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fail } from "../errors.ts";
import { findPreset, PRESETS } from "./presets.ts";
import type { Env, Source } from "./source.ts";
import { decodeUtf8 } from "./utf8.ts";

/** Where to read provisioning files from (CLI options and the environment). */
export interface SourceOptions {
  files: string[];
  directory?: string;
  preset?: string;
  env: Env;
  cwd: string;
}

/**
 * Contract §3 default-source order: --file (repeatable) / --directory / --preset, else PROVISIONING_DIRECTORY,
 * else ./provisioning/ if it exists, else the embedded bootstrap preset.
 */
export function discoverSources(options: SourceOptions): Source[] {
  const { files, directory, preset, env, cwd } = options;
  const origin = sourceOrigin(options);
  if (origin === "options") {
    return [
      ...files.map((file) => readSource(file, cwd)),
      ...(directory ? readDirectory(directory, cwd) : []),
      ...(preset ? presetSources(preset) : []),
    ];
  }
  if (origin === "PROVISIONING_DIRECTORY") return readDirectory(env.PROVISIONING_DIRECTORY!, cwd);
  if (origin === "./provisioning") return readDirectory("provisioning", cwd);
  return presetSources("bootstrap");
}

/**
 * A rule of the default-source order: the source options, PROVISIONING_DIRECTORY, ./provisioning/, or the bootstrap
 * preset.
 */
export type SourceOrigin = "options" | "PROVISIONING_DIRECTORY" | "./provisioning" | "bootstrap";

/** Which rule `discoverSources` follows for these options (reset names it before deleting anything). */
export function sourceOrigin(options: SourceOptions): SourceOrigin {
  const { files, directory, preset, env, cwd } = options;
  if (files.length || directory || preset) return "options";
  if (env.PROVISIONING_DIRECTORY) return "PROVISIONING_DIRECTORY";
  const fallback = join(cwd, "provisioning");
  if (existsSync(fallback) && statSync(fallback).isDirectory()) return "./provisioning";
  return "bootstrap";
}

function presetSources(name: string): Source[] {
  const preset = findPreset(name);
  if (!preset) {
    fail({
      rule: "unknown-preset",
      message: `there is no preset "${name}"`,
      hint: `choose one of: ${PRESETS.map((p) => p.name).join(", ")}`,
    });
  }
  return preset.files;
}

/**
 * `.yaml`/`.yml` files of a directory, alphabetical, non-recursive; dotfiles and Kubernetes' `..data` links skipped.
 */
function readDirectory(directory: string, cwd: string): Source[] {
  const full = resolve(cwd, directory);
  let entries: string[];
  try {
    if (!statSync(full).isDirectory()) {
      fail({
        rule: "not-a-directory",
        message: `"${directory}" is not a directory`,
        hint: "give a directory with --directory, or a file with --file",
      });
    }
    entries = readdirSync(full);
  } catch (error) {
    if (error instanceof Error && error.name === "UserError") throw error;
    fail({
      rule: "missing-directory",
      message: `cannot read directory "${directory}" (${codeOf(error)})`,
      hint: "check the path (and PROVISIONING_DIRECTORY)",
    });
  }
  const names = entries.filter((name) => !name.startsWith(".") && /\.ya?ml$/i.test(name)).sort();
  const sources = names
    .filter((name) => statSync(join(full, name)).isFile())
    .map((name) => readSource(join(directory, name), cwd));
  if (!sources.length) {
    fail({
      rule: "empty-directory",
      message: `directory "${directory}" holds no .yaml or .yml files`,
      hint: "add provisioning files, or point at another directory",
    });
  }
  return sources;
}

function readSource(path: string, cwd: string): Source {
  const full = resolve(cwd, path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(full);
  } catch (error) {
    fail({
      rule: "unreadable-file",
      message: `cannot read "${path}" (${codeOf(error)})`,
      hint: "check the path and its permissions",
    });
  }
  // Bytes that are not UTF-8 are reported with the file's other problems, never written as "�".
  const { text, invalid } = decodeUtf8(bytes);
  const source: Source = { name: path, text, baseDir: dirname(full) };
  if (invalid) {
    source.invalid = {
      rule: "invalid-utf8",
      message: `the file is not valid UTF-8: byte ${invalid.offset} (0x${bytes[invalid.offset]!.toString(16).padStart(2, "0")}) does not belong here`,
      position: { file: path, line: invalid.line, column: invalid.column },
      hint: "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
    };
  }
  return source;
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? (error as Error).message;
}
