import { cac, type Command } from "cac";
import packageJson from "../package.json" with { type: "json" };
import { UserError } from "./errors.ts";
import { applyCommand } from "./commands/apply.ts";
import { hashPasswordCommand } from "./commands/hash-password.ts";
import type { Io } from "./commands/io.ts";
import { readApplyOptions, readSourceOptions, VERBATIM, type RawOptions } from "./commands/options.ts";
import { listPresetsCommand, showPresetCommand } from "./commands/presets.ts";
import { resetCommand } from "./commands/reset.ts";
import { schemaCommand } from "./commands/schema.ts";
import { validateCommand } from "./commands/validate.ts";

/** The version printed by --version: package.json's, embedded at build time. */
export const VERSION: string = packageJson.version;

const NAME = "flagsmith-provision";

/** Adds the flags that choose the sources (contract §3 "Default source"). */
export function withSourceOptions(command: Command): Command {
  return command
    .option("--file <file>", "A provisioning file (repeatable)")
    .option("--directory <dir>", "Every .yaml/.yml file of DIR, alphabetical (not recursive)")
    .option("--preset <name>", "An embedded preset: see `presets`");
}

/** Adds the flags of a provisioning run (apply, and reset). */
export function withApplyOptions(command: Command): Command {
  return withSourceOptions(command)
    .option("--dry-run", "Print what would be created and skipped; write nothing")
    .option("--output <format>", "text (default) or json: one document with every action and secret")
    .option("--database-url <url>", "Else DATABASE_URL, else DJANGO_DB_HOST/PORT/NAME/USER/PASSWORD")
    .option("--wait <seconds>", "Wait up to SECONDS for the database and Flagsmith's migrations")
    .option("--show-environment-keys", "Print each created environment's client-side key")
    .option("--secrets-file <path>", "Also append every created secret to PATH (0600, synced before the commit)");
}

/** Parses argv (without the runtime and script) and runs one command. Bad usage throws a UserError (exit 2). */
export async function runCli(argv: string[], io: Io): Promise<void> {
  const cli = cac(NAME);
  withApplyOptions(cli.command("apply", "Provision Flagsmith from the sources (the default command)").alias("!"))
    .usage("[apply] [options]")
    .action(
    (raw: RawOptions) => applyCommand(readApplyOptions(raw), io),
  );
  withSourceOptions(cli.command("validate", "Check the sources offline: schema, interpolation, references")).action(
    (raw: RawOptions) => validateCommand(readSourceOptions(raw), io),
  );
  cli
    .command("presets [show] [name]", "List the embedded presets; `presets show NAME` prints one as YAML")
    .action((action: string | undefined, name: string | undefined) => presetsCommand(action, name, io));
  cli.command("schema", "Print the JSON Schema of the file format (for editors)").action(() => schemaCommand(io));
  cli
    .command("hash-password", "Print the Django hash of stdin's first line, for password_hash: instead of a plaintext password")
    .action(() => hashPasswordCommand(io));
  withApplyOptions(cli.command("reset", "Dev/e2e only: delete the declared organisations and users, then provision"))
    .option("--yes", "Really delete (reset refuses without it)")
    .action((raw: RawOptions) => resetCommand(readApplyOptions(raw), raw.yes === true, io));
  cli.option("-v, --version", "Print the version");
  cli.help((sections) => addHelpSections(sections, cli.matchedCommand));
  cli.globalCommand.versionNumber = VERSION; // shown in the help's first line

  const parsed = parseArgs(cli, argv);
  if (parsed.options.help) return; // cac has printed the help
  if (parsed.options.version) return io.out(`${NAME} ${VERSION}`);
  if (cli.matchedCommandName === undefined && parsed.args.length > 0) {
    throw usageError(`unknown command "${parsed.args[0]}"`, `the commands are: ${cli.commands.map((c) => c.name).join(", ")}`);
  }
  try {
    await cli.runMatchedCommand();
  } catch (error) {
    throw fromCac(error);
  }
}

function parseArgs(cli: ReturnType<typeof cac>, argv: string[]) {
  try {
    const valueOptions = new Set(
      [cli.globalCommand, ...cli.commands].flatMap((c) => c.options.filter((o) => !o.isBoolean).map((o) => o.rawName.split(/[ ,]/)[0]!.replace(/^--/, ""))),
    );
    return cli.parse(["bun", NAME, ...keepValuesVerbatim(argv, valueOptions)], { run: false });
  } catch (error) {
    throw fromCac(error);
  }
}

/**
 * Values of value-taking options (`--wait 5`, `--file x`) passed as `--name=<VERBATIM>value`. mri would turn
 * numeric-looking values into numbers (`--database-url ''` became 0, `--file 1e3` the file "1000") and read
 * `--wait -1` as an unknown short option `-1`. A following `--option` is never taken as a value.
 */
function keepValuesVerbatim(argv: string[], valueOptions: Set<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return [...kept, ...argv.slice(i)];
    const [, name, value] = /^--([a-z][a-z-]*)(?:=([\s\S]*))?$/.exec(arg) ?? [];
    const next = argv[i + 1];
    if (name === undefined || !valueOptions.has(name)) kept.push(arg);
    else if (value !== undefined) kept.push(`--${name}=${VERBATIM}${value}`);
    else if (next !== undefined && !/^--[a-z]/.test(next)) {
      kept.push(`--${name}=${VERBATIM}${next}`);
      i++;
    } else kept.push(arg);
  }
  return kept;
}

function presetsCommand(action: string | undefined, name: string | undefined, io: Io): void {
  if (action === undefined) return listPresetsCommand(io);
  if (action !== "show") throw usageError(`unknown presets subcommand "${action}"`, "use `presets` or `presets show NAME`");
  if (name === undefined) throw usageError("presets show needs a preset name", "run `presets` to list them");
  showPresetCommand(name, io);
}

/** cac reports bad usage (unknown option, missing value, extra arguments) as a CACError: exit 2, no stack. */
function fromCac(error: unknown): unknown {
  if (error instanceof Error && error.name === "CACError") {
    // cac names options camelCased (`--dryRun`); users typed them kebab-cased.
    const message = error.message
      .replace(/`/g, '"')
      .replace(/--([a-z]+(?:[A-Z][a-z0-9]*)+)/g, (_, name: string) => "--" + name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())).replace(/^Unknown option/, "unknown option").replace(/^Unused args/, "unexpected arguments");
    return usageError(message, `run ${NAME} --help for the commands and options`);
  }
  return error;
}

function usageError(message: string, hint: string): UserError {
  return new UserError([{ rule: "invalid-usage", message, hint }]);
}

function addHelpSections(sections: { title?: string; body: string }[], command: Command | undefined): { title?: string; body: string }[] {
  const examples = [
    `  $ ${NAME} --preset bootstrap --dry-run`,
    `  $ DATABASE_URL=postgres://flagsmith@db/flagsmith ${NAME} --directory ./provisioning --wait 60`,
    `  $ ${NAME} --file users.yaml --file projects.yaml --output json`,
    `  $ ${NAME} validate --directory ./provisioning`,
    `  $ ${NAME} presets show dev`,
    `  $ ${NAME} reset --yes --preset e2e`,
    `  $ ${NAME} schema > provisioning.schema.json`,
    `  $ printf '%s\\n' "$ADMIN_PASSWORD" | ${NAME} hash-password   # for password_hash:`,
  ].join("\n");
  const sources = [
    "  --file/--directory/--preset, else PROVISIONING_DIRECTORY, else ./provisioning/ if it exists,",
    "  else the embedded bootstrap preset (ADMIN_EMAIL, ORGANISATION_NAME, PROJECT_NAME, APP_DOMAIN).",
  ].join("\n");
  const exitCodes = [
    "  0  done",
    "  1  runtime or database error (including: no database configured)",
    "  2  invalid files or options",
    "  3  the database is not a Flagsmith database this version supports",
  ].join("\n");
  // cac leaves a command's description out of its own --help (`hash-password --help`): put it under the usage line.
  const described = command && !command.isDefaultCommand && command.description
    ? [...sections.slice(0, 2), { body: `  ${command.description}` }, ...sections.slice(2)]
    : sections;
  // A subcommand's help keeps to that command: its own examples, and the source rules only if it reads sources.
  const subcommand = command && !command.isDefaultCommand ? command : undefined;
  const ownExamples = subcommand ? examples.split("\n").filter((line) => line.includes(` ${NAME} ${subcommand.name}`)).join("\n") : examples;
  const readsSources = !subcommand || subcommand.options.some((o) => o.names.includes("file"));
  return [
    ...described,
    ...(readsSources ? [{ title: "Default source", body: sources }] : []),
    ...(ownExamples ? [{ title: "Examples", body: ownExamples }] : []),
    { title: "Exit codes", body: exitCodes },
  ];
}
