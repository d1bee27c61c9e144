import { DESIRED_LIST, KIND_ORDER } from "../plan/actions.ts";
import { formatUndeclared, loadDesired } from "../spec/index.ts";
import { discoverSources } from "../spec/sources.ts";
import { sourceFlags } from "./apply.ts";
import type { Io } from "./io.ts";
import type { SourceOptions } from "./options.ts";

/** `validate`: offline check of the sources (schema, interpolation, references); no database. */
export function validateCommand(options: SourceOptions, io: Io): void {
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const { desired, warnings } = loadDesired(sources, io.env);
  for (const warning of warnings) io.err(`warning: ${formatUndeclared(warning)}`);
  const entities = KIND_ORDER.reduce((n, kind) => n + desired[DESIRED_LIST[kind]].length, 0);
  io.out(`Valid: ${plural(sources.length, "file")}, ${plural(entities, "entity", "entities")}.`);
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
