import { entitiesOf, KIND_ORDER } from "../kinds/index.ts";
import { formatUndeclared } from "../input/index.ts";
import { discoverSources } from "../input/discover.ts";
import { loadRun, sourceFlags } from "../provision.ts";
import type { Io } from "../io.ts";
import type { SourceOptions } from "./options.ts";

/**
 * `validate`: offline check of everything `apply` would refuse without a database (the files: syntax, schema,
 * interpolation, text, references, permission keys and column lengths of the newest supported Flagsmith; the
 * environment's FLAGSMITH_DOMAIN), every problem at once.
 */
export function validateCommand(options: SourceOptions, io: Io): void {
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const { desired, warnings } = loadRun(sources, io.env);
  for (const warning of warnings) io.err(`warning: ${formatUndeclared(warning)}`);
  const entities = KIND_ORDER.reduce((n, kind) => n + entitiesOf(desired, kind).length, 0);
  io.out(`Valid: ${plural(sources.length, "file")}, ${plural(entities, "entity", "entities")}.`);
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
