import { UserError, type Issue } from "../errors.ts";
import { entitiesOf, KIND_ORDER } from "../kinds/index.ts";
import { formatUndeclared, loadDesired } from "../input/index.ts";
import { discoverSources } from "../input/discover.ts";
import { runSettings, sourceFlags } from "../provision.ts";
import type { Io } from "../io.ts";
import type { SourceOptions } from "./options.ts";

/**
 * `validate`: offline check of everything `apply` would refuse without a database (the files: syntax, schema,
 * interpolation, text, references, permission keys and column lengths of the newest supported Flagsmith; the
 * environment's FLAGSMITH_DOMAIN), every problem at once.
 */
export function validateCommand(options: SourceOptions, io: Io): void {
  const sources = discoverSources({ ...sourceFlags(options), env: io.env, cwd: io.cwd });
  const settings = settingsIssues(io);
  let loaded: ReturnType<typeof loadDesired>;
  try {
    loaded = loadDesired(sources, io.env);
  } catch (error) {
    if (error instanceof UserError && settings.length) throw new UserError([...settings, ...error.issues]);
    throw error;
  }
  if (settings.length) throw new UserError(settings);
  const { desired, warnings } = loaded;
  for (const warning of warnings) io.err(`warning: ${formatUndeclared(warning)}`);
  const entities = KIND_ORDER.reduce((n, kind) => n + entitiesOf(desired, kind).length, 0);
  io.out(`Valid: ${plural(sources.length, "file")}, ${plural(entities, "entity", "entities")}.`);
}

/** What `apply` would refuse in the environment's settings. */
function settingsIssues(io: Io): Issue[] {
  try {
    runSettings(io.env);
    return [];
  } catch (error) {
    if (error instanceof UserError) return error.issues;
    throw error;
  }
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
