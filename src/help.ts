/**
 * `--help` for each command: its usage, its own options, the environment variables it reads, examples,
 * and only the exit codes it can return. Rendered here rather than by cac, whose help for the default
 * command (apply) is the global one and lists exit codes of databases a command never touches.
 */

/** One option line: the flags as typed and what they do. */
export interface HelpOption {
  flags: string;
  description: string;
}

/** What a command's help says beyond its options. */
export interface CommandHelp {
  usage: string;
  /** One line for the command list. */
  summary: string;
  description: string;
  environment: Array<[string, string]>;
  examples: string[];
  exitCodes: number[];
  /** Whether the default-source rules apply (the command reads provisioning files). */
  readsSources: boolean;
}

const NAME = "flagsmith-provision";

const EXIT_CODES: Record<number, string> = {
  0: "done",
  1: "runtime or database error (including: no database configured)",
  2: "invalid files or options",
  3: "the database is not a Flagsmith database this version supports",
  4: "with --detailed-exitcode: something would be (or was) created",
  5: "with --detailed-exitcode: nothing to create, but something differs from the files",
};

const DATABASE_ENV: Array<[string, string]> = [
  ["DATABASE_URL", "the database, unless --database-url is given"],
  ["DJANGO_DB_HOST/PORT/NAME/USER/PASSWORD", "the database, as Flagsmith reads them, when DATABASE_URL is unset"],
  ["DJANGO_SECRET_KEY", "the API's secret key, to print a valid password-reset link for a superuser without password"],
  ["FLAGSMITH_DOMAIN", "overrides app_domain (and the domain of the links printed)"],
  ["NO_COLOR", "no colour (colour is only used on a terminal anyway)"],
];

const SOURCE_ENV: Array<[string, string]> = [
  ["PROVISIONING_DIRECTORY", "the default source directory"],
  ["any ${VAR}", "the variables the files interpolate"],
];

/** Help of every command, by name; "apply" is also the top-level help. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  apply: {
    summary: "Provision Flagsmith from the sources (the default command)",
    usage: `${NAME} [apply] [--file FILE]… [--directory DIR] [--preset NAME] [options]`,
    description:
      "Provision Flagsmith from the sources (the default command): create what is missing, skip what exists.",
    environment: [...DATABASE_ENV, ...SOURCE_ENV],
    examples: [
      `${NAME} --preset bootstrap --dry-run`,
      `DATABASE_URL=postgres://flagsmith@db/flagsmith ${NAME} --directory ./provisioning --wait 60`,
      `${NAME} --file users.yaml --file projects.yaml --output json`,
      `${NAME} --directory ./provisioning --dry-run --detailed-exitcode   # in CI: 0 in sync, 4 to create, 5 drift`,
    ],
    exitCodes: [0, 1, 2, 3, 4, 5],
    readsSources: true,
  },
  validate: {
    summary: "Check the sources offline, without a database",
    usage: `${NAME} validate [--file FILE]… [--directory DIR] [--preset NAME]`,
    description: "Check the sources offline (schema, interpolation, references, lengths); no database is touched.",
    environment: SOURCE_ENV,
    examples: [`${NAME} validate --directory ./provisioning`],
    exitCodes: [0, 2],
    readsSources: true,
  },
  presets: {
    summary: "List the embedded presets, or print one",
    usage: `${NAME} presets [show NAME]`,
    description: "List the embedded presets; `presets show NAME` prints one as YAML, ready to save next to your files.",
    environment: [],
    examples: [`${NAME} presets`, `${NAME} presets show dev > provisioning/10-dev.yaml`],
    exitCodes: [0, 2],
    readsSources: false,
  },
  schema: {
    summary: "Print the JSON Schema of the file format",
    usage: `${NAME} schema`,
    description:
      "Print the JSON Schema (draft-07) of the file format, for editors (yaml-language-server): descriptions on hover, completion, and what validate would refuse in one file. Save it and start a file with: # yaml-language-server: $schema=./provisioning.schema.json",
    environment: [],
    examples: [`${NAME} schema > provisioning.schema.json`],
    exitCodes: [0],
    readsSources: false,
  },
  "hash-password": {
    summary: "Print the Django hash of a password, for password_hash:",
    usage: `${NAME} hash-password < password`,
    description:
      "Print the Django hash of stdin's first line, for password_hash: instead of a plaintext password. On a terminal it asks, without echoing.",
    environment: [],
    examples: [`printf '%s\\n' "$ADMIN_PASSWORD" | ${NAME} hash-password`],
    exitCodes: [0, 2],
    readsSources: false,
  },
  export: {
    summary: "Write what a Flagsmith database holds as provisioning YAML",
    usage: `${NAME} export [--organisation NAME]… [--project NAME]… [--include PARTS] [--output-dir DIR] [options]`,
    description:
      "Read a Flagsmith database (one read-only snapshot) and write it as provisioning YAML: organisations, projects, environments, segments, features with their per-environment content, and optionally identities, identity overrides and users. Secrets never: master API keys by name only, password hashes only with --include password-hashes. What the format cannot hold is listed in the header.",
    environment: DATABASE_ENV.slice(0, 2),
    examples: [
      `${NAME} export > flagsmith.yaml`,
      `${NAME} export --organisation "Acme Corp" --include users,identities --output-dir ./provisioning`,
      `${NAME} export --project "Web App" --include all`,
    ],
    exitCodes: [0, 1, 2, 3],
    readsSources: false,
  },
  reset: {
    summary: "Dev/e2e only: delete the declared organisations and users, then provision",
    usage: `${NAME} reset --yes [--file FILE]… [--directory DIR] [--preset NAME] [options]`,
    description:
      "Dev/e2e only: in one transaction, delete every organisation and user the sources declare (with everything that belongs to them), then provision.",
    environment: [...DATABASE_ENV, ...SOURCE_ENV],
    examples: [`${NAME} reset --yes --include-member-organisations --preset e2e`],
    exitCodes: [0, 1, 2, 3, 4, 5],
    readsSources: true,
  },
};

/** Lines of the top-level command list, shown by `--help` and `apply --help`. */
function commandList(): string[] {
  const width = Math.max(...Object.keys(COMMAND_HELP).map((n) => n.length));
  return Object.entries(COMMAND_HELP).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`);
}

/** Renders one command's help. `options` are the command's own, then --help/--version. */
export function renderHelp(name: string, options: HelpOption[], version: string): string {
  const help = COMMAND_HELP[name]!;
  const width = Math.max(...options.map((o) => o.flags.length));
  const section = (title: string, lines: string[]) => (lines.length ? ["", `${title}:`, ...lines] : []);
  return [
    `${NAME} ${version}`,
    "",
    "Usage:",
    `  $ ${help.usage}`,
    "",
    `  ${help.description}`,
    ...(name === "apply" ? section("Commands", commandList()) : []),
    ...section(
      "Options",
      options.map((o) => `  ${o.flags.padEnd(width)}  ${o.description}`),
    ),
    ...(help.readsSources
      ? section("Default source", [
          "  --file/--directory/--preset, else PROVISIONING_DIRECTORY, else ./provisioning/ if it exists,",
          "  else the embedded bootstrap preset (ADMIN_EMAIL, ORGANISATION_NAME, PROJECT_NAME, APP_DOMAIN).",
        ])
      : []),
    ...section(
      "Environment",
      help.environment.map(([variable, meaning]) => `  ${variable}: ${meaning}`),
    ),
    ...section(
      "Examples",
      help.examples.map((e) => `  $ ${e}`),
    ),
    ...section(
      "Exit codes",
      help.exitCodes.map((code) => `  ${code}  ${EXIT_CODES[code]}`),
    ),
    ...(name === "apply" ? ["", `Run ${NAME} COMMAND --help for a command's own options.`] : []),
  ].join("\n");
}
