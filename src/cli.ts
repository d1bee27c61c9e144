import { cac, type Command } from "cac";
import packageJson from "../package.json" with { type: "json" };
import { UserError } from "./errors.ts";
import { renderHelp, type HelpOption } from "./help.ts";
import { didYouMean } from "./suggest.ts";
import { applyCommand } from "./commands/apply.ts";
import { exportCommand } from "./commands/export.ts";
import { readExportOptions } from "./commands/export-options.ts";
import { hashPasswordCommand } from "./commands/hash-password.ts";
import type { Io } from "./io.ts";
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
    .option("--secrets-file <path>", "Also append every created secret to PATH (0600, synced before the commit)")
    .option("--detailed-exitcode", "Exit 4 when something is (or would be) created, 5 when only drift is found");
}

/** Parses argv (without the runtime and script) and runs one command. Bad usage throws a UserError (exit 2). */
/** Returns the exit code of a run that did not fail (0, or 4/5 with --detailed-exitcode). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const cli = cac(NAME);
  withApplyOptions(
    cli.command("apply", "Provision Flagsmith from the sources (the default command)").alias("!"),
  ).action((raw: RawOptions) => applyCommand(readApplyOptions(raw), io));
  withSourceOptions(cli.command("validate", "Check the sources offline: schema, interpolation, references")).action(
    (raw: RawOptions) => validateCommand(readSourceOptions(raw), io),
  );
  cli
    .command("presets [show] [name]", "List the embedded presets; `presets show NAME` prints one as YAML")
    .action((action: string | undefined, name: string | undefined) => presetsCommand(action, name, io));
  cli.command("schema", "Print the JSON Schema of the file format (for editors)").action(() => schemaCommand(io));
  cli
    .command(
      "hash-password",
      "Print the Django hash of stdin's first line, for password_hash: instead of a plaintext password",
    )
    .action(() => hashPasswordCommand(io));
  withApplyOptions(cli.command("reset", "Dev/e2e only: delete the declared organisations and users, then provision"))
    .option("--yes", "Really delete (reset refuses without it)")
    .option(
      "--include-member-organisations",
      "Also delete every organisation a declared user belongs to (Flagsmith's e2e teardown does)",
    )
    .action((raw: RawOptions) =>
      resetCommand(
        { ...readApplyOptions(raw), memberOrganisations: raw.includeMemberOrganisations === true },
        raw.yes === true,
        io,
      ),
    );
  cli
    .command("export", "Write what a Flagsmith database holds as provisioning YAML")
    .option("--organisation <name>", "Only this organisation (repeatable)")
    .option("--project <name>", "Only this project (repeatable; with --organisation, a project of those)")
    .option(
      "--include <parts>",
      "Optional parts, comma-separated: identities, overrides, users, password-hashes, or all",
    )
    .option("--output-dir <dir>", "One file per organisation and per project in DIR (else one document on stdout)")
    .option("--database-url <url>", "Else DATABASE_URL, else DJANGO_DB_HOST/PORT/NAME/USER/PASSWORD")
    .option("--wait <seconds>", "Wait up to SECONDS for the database and Flagsmith's migrations")
    .action((raw: RawOptions) => exportCommand(readExportOptions(raw), io));
  cli.option("-v, --version", "Print the version");
  cli.option("-h, --help", "Show this help");

  const parsed = parseArgs(cli, argv);
  if (cli.matchedCommandName === undefined && parsed.args.length > 0) {
    const names = cli.commands.map((c) => c.name);
    const word = String(parsed.args[0]);
    throw usageError(`unknown command "${word}"${didYouMean(word, names)}`, `the commands are: ${names.join(", ")}`);
  }
  const command = cli.matchedCommand?.isDefaultCommand || !cli.matchedCommand ? "apply" : cli.matchedCommand.name;
  if (parsed.options.help) return (io.out(renderHelp(command, helpOptions(cli, command), VERSION)), 0);
  if (parsed.options.version) return (io.out(`${NAME} ${VERSION}`), 0);
  try {
    const code: unknown = await cli.runMatchedCommand();
    return typeof code === "number" ? code : 0;
  } catch (error) {
    throw fromCac(error, optionNames(cli, command));
  }
}

/** A command's options for its help: its own, then --help and --version. */
function helpOptions(cli: ReturnType<typeof cac>, name: string): HelpOption[] {
  const command = cli.commands.find((c) => c.name === name)!;
  return [...command.options, ...cli.globalCommand.options].map((o) => ({
    flags: o.rawName,
    description: o.description,
  }));
}

/** The options of a command as typed (`--dry-run`), for "did you mean". */
function optionNames(cli: ReturnType<typeof cac>, name: string): string[] {
  const options = helpOptions(cli, name);
  return options.flatMap((o) => o.flags.split(/[ ,]+/).filter((part) => part.startsWith("--")));
}

function parseArgs(cli: ReturnType<typeof cac>, argv: string[]) {
  try {
    const valueOptions = new Set(
      [cli.globalCommand, ...cli.commands].flatMap((c) =>
        c.options.filter((o) => !o.isBoolean).map((o) => o.rawName.split(/[ ,]/)[0]!.replace(/^--/, "")),
      ),
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
  if (action !== "show")
    throw usageError(`unknown presets subcommand "${action}"`, "use `presets` or `presets show NAME`");
  if (name === undefined) throw usageError("presets show needs a preset name", "run `presets` to list them");
  showPresetCommand(name, io);
}

/** cac reports bad usage (unknown option, missing value, extra arguments) as a CACError: exit 2, no stack. */
function fromCac(error: unknown, options: string[] = []): unknown {
  if (error instanceof Error && error.name === "CACError") {
    // cac names options camelCased (`--dryRun`); users typed them kebab-cased.
    const message = error.message
      .replace(/`/g, '"')
      .replace(
        /--([a-z]+(?:[A-Z][a-z0-9]*)+)/g,
        (_, name: string) => "--" + name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()),
      )
      .replace(/^Unknown option/, "unknown option")
      .replace(/^Unused args/, "unexpected arguments");
    const unknown = /^unknown option "(-[^"]*)"/.exec(message)?.[1];
    return usageError(
      unknown ? message + didYouMean(unknown, options) : message,
      `run ${NAME} --help for the commands and options`,
    );
  }
  return error;
}

function usageError(message: string, hint: string): UserError {
  return new UserError([{ rule: "invalid-usage", message, hint }]);
}
