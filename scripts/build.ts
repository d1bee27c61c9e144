/**
 * Builds the single binary dist/flagsmith-provision (`bun run build`). Presets and package.json's
 * version are embedded by their imports. The binary must not read `.env` or `bunfig.toml` from the
 * directory it runs in: a stray `.env` with another DATABASE_URL would silently retarget a
 * provisioning run, so runtime autoloading is switched off (test/cli/binary.test.ts checks it).
 * The code is embedded as JSC bytecode: the binary starts on every container start, and skipping the
 * parse of the bundle takes `--version` from ~50 ms to ~20 ms. Bytecode with ES modules (main.ts uses
 * top-level await) needs --format=esm, which --compile supports.
 *
 * Usage: bun scripts/build.ts [--outfile PATH] [extra `bun build` flags, e.g. --target=bun-linux-arm64]
 * A build for another target goes to dist/flagsmith-provision-<target> unless --outfile says otherwise:
 * it must never replace the host binary that the CLI tests (and the developer) run.
 */
import { join } from "node:path";

const repo = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const at = args.indexOf("--outfile");
const targetAt = args.findIndex((a) => a.startsWith("--target"));
const target =
  targetAt < 0 ? undefined : args[targetAt]!.includes("=") ? args[targetAt]!.split("=")[1] : args[targetAt + 1];
const defaultName = target ? `flagsmith-provision-${target.replace(/^bun-/, "")}` : "flagsmith-provision";
const outfile = at >= 0 ? args.splice(at, 2)[1]! : join(repo, "dist", defaultName);

const command = [
  process.execPath,
  "build",
  "--compile",
  "--minify",
  "--bytecode",
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--no-compile-autoload-tsconfig",
  "--no-compile-autoload-package-json",
  join(repo, "src", "main.ts"),
  "--outfile",
  outfile,
  ...args,
];
const build = Bun.spawnSync(command, { cwd: repo, stdout: "inherit", stderr: "inherit" });
process.exit(build.exitCode ?? 1);
