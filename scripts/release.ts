/**
 * Builds the release binaries (`bun run release`): one per platform we ship, named
 * flagsmith-provision-<version>-<os>-<arch>[-musl], plus SHA256SUMS (`sha256sum -c` format), into
 * dist/release/ (or --outdir DIR). Every build goes through scripts/build.ts with an explicit
 * --outfile, so the flags stay in one place and dist/flagsmith-provision (the host binary the tests
 * run) is never touched.
 *
 * The Bun runtime embedded in each binary comes from the npm package @oven/bun-<os>-<arch>[-musl]
 * of exactly the pinned Bun version, checked against the integrity pinned below, instead of
 * `bun build` downloading it from GitHub at build time. The packages are fetched with `npm pack`
 * (npm's cache makes a second fetch offline) and their bin/bun kept in node_modules/.cache. They are
 * not devDependencies: `bun install` skips packages for another os/cpu unless given --os=* --cpu=*,
 * and every install would then pull ~290 MB of runtimes that only a release needs.
 *
 * --bytecode (set by build.ts) stays on for cross targets: the bytecode comes from the host Bun's
 * JavaScriptCore, which is the same version as every runtime here (checked below). Measured under
 * qemu-aarch64, the linux-arm64 binary starts ~25% faster with it, so the runtime accepts it; the
 * darwin binaries cannot be run here, and should their runtime ever reject the bytecode, JSC falls
 * back to parsing the embedded source (slower start, same behaviour).
 *
 * Usage: bun scripts/release.ts [--outdir DIR]
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import packageJson from "../package.json" with { type: "json" };

const repo = join(import.meta.dir, "..");

/** The Bun version of the runtimes below; must equal package.json's engines.bun and the Bun running this. */
const RUNTIME_VERSION = "1.4.5";

/**
 * Release name suffix → `bun build` target and the npm package holding its runtime (integrity from `npm view
 * <pkg>@<version> dist.integrity`).
 */
const TARGETS = [
  {
    name: "linux-x64",
    target: "bun-linux-x64",
    pkg: "@oven/bun-linux-x64",
    integrity: "sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g==",
  },
  {
    name: "linux-x64-musl",
    target: "bun-linux-x64-musl",
    pkg: "@oven/bun-linux-x64-musl",
    integrity: "sha512-10QoW/YfTgnURaGEaHpJCiXjLI2e5iTtfVDaA5JKcyUzaa1cq6cVUY9/Uq5XkYzvtRjHLRe9Oj/lTDIQcxy8HQ==",
  },
  {
    name: "linux-arm64",
    target: "bun-linux-arm64",
    pkg: "@oven/bun-linux-aarch64",
    integrity: "sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg==",
  },
  {
    name: "linux-arm64-musl",
    target: "bun-linux-arm64-musl",
    pkg: "@oven/bun-linux-aarch64-musl",
    integrity: "sha512-XCNc+WvvMAdNNb+OWTogpy+N9wm62fkVeEVLb6how0RZhW5LPi6c7BlkeVCuWps7XjEl2saFpHFa20/1E+PAHg==",
  },
  {
    name: "darwin-arm64",
    target: "bun-darwin-arm64",
    pkg: "@oven/bun-darwin-aarch64",
    integrity: "sha512-4MIFXHmctH2EhAxLXm2/qxNtv17dFtLJylvaOCsrgq6KSqHTs6eW5YSrJjRbJxYUJaR901fsN8JfZOa+CsWpWQ==",
  },
  {
    name: "darwin-x64",
    target: "bun-darwin-x64",
    pkg: "@oven/bun-darwin-x64",
    integrity: "sha512-qkLPMGHZM9NI6CeHTWwVezzmlo6cC4Ta7yUAjYIWXS366qQcOlcp75t2uZyiuVRBMPS0h9qE0tCcvCHGaFqjJg==",
  },
] as const;
type Target = (typeof TARGETS)[number];

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

function spawn(command: string[], cwd: string): string {
  const ran = Bun.spawnSync(command, { cwd, stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  if (ran.exitCode !== 0) fail(`${command.slice(0, 2).join(" ")} … exited with ${ran.exitCode}`);
  return ran.stdout.toString();
}

async function digest(path: string, algorithm: "sha256" | "sha512"): Promise<Bun.CryptoHasher> {
  const hasher = new Bun.CryptoHasher(algorithm);
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher;
}

const cache = join(repo, "node_modules", ".cache", "flagsmith-provision-release", `bun-${RUNTIME_VERSION}`);
const runtimePath = (t: Target) => join(cache, t.name, "bun");

/** Fetches (npm pack) the runtimes not yet cached, checks each tarball's integrity, keeps its bin/bun. */
async function fetchRuntimes(): Promise<void> {
  const missing = TARGETS.filter((t) => !existsSync(runtimePath(t)));
  if (missing.length === 0) return;
  if (!Bun.which("npm")) fail(`npm is needed once to fetch the Bun runtimes (${missing.map((t) => t.pkg).join(", ")})`);
  const download = join(cache, `download-${process.pid}`);
  mkdirSync(download, { recursive: true });
  try {
    console.log(`Fetching the Bun ${RUNTIME_VERSION} runtimes for ${missing.map((t) => t.name).join(", ")}...`);
    const specs = missing.map((t) => `${t.pkg}@${RUNTIME_VERSION}`);
    const packed = JSON.parse(
      spawn(["npm", "pack", "--prefer-offline", "--json", "--pack-destination", download, ...specs], download),
    );
    for (const t of missing) {
      const entry = (packed as { name: string; filename: string }[]).find((p) => p.name === t.pkg);
      if (!entry) fail(`npm pack did not return ${t.pkg}`);
      const tarball = join(download, entry.filename);
      const integrity = `sha512-${(await digest(tarball, "sha512")).digest("base64")}`;
      if (integrity !== t.integrity) fail(`${entry.filename} has integrity ${integrity}, expected ${t.integrity}`);
      const unpacked = join(download, t.name);
      mkdirSync(unpacked);
      spawn(["tar", "-xzf", tarball, "-C", unpacked, "package/bin/bun"], download);
      mkdirSync(join(cache, t.name), { recursive: true });
      renameSync(join(unpacked, "package", "bin", "bun"), runtimePath(t)); // last: a cached runtime is a checked one
    }
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
}

/** True when DIR is absent or holds only what a release writes, so replacing it loses nothing else. */
function isReleaseDir(dir: string): boolean {
  if (!existsSync(dir)) return true;
  return readdirSync(dir).every((f) => f === "SHA256SUMS" || f.startsWith("flagsmith-provision-"));
}

const at = process.argv.indexOf("--outdir");
const outdir = resolve(
  at >= 0 ? (process.argv[at + 1] ?? fail("--outdir needs a directory")) : join(repo, "dist", "release"),
);
if (packageJson.engines.bun !== RUNTIME_VERSION || Bun.version !== RUNTIME_VERSION) {
  fail(
    `the runtimes pinned in scripts/release.ts are Bun ${RUNTIME_VERSION}; package.json pins ${packageJson.engines.bun} and this is Bun ${Bun.version}. The three must agree (the embedded bytecode is tied to the Bun version).`,
  );
}
if (!isReleaseDir(outdir))
  fail(`${outdir} holds files a release does not write; give --outdir an empty or release directory`);

await fetchRuntimes();

// Built beside the output and swapped in at the end: dist/release is either the previous complete
// release or the new complete one, never a mix with a stale SHA256SUMS.
const staging = `${outdir}.partial-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const sums: string[] = [];
for (const t of TARGETS) {
  const file = `flagsmith-provision-${packageJson.version}-${t.name}`;
  const build = [process.execPath, join(repo, "scripts", "build.ts"), "--outfile", join(staging, file)];
  spawn([...build, `--target=${t.target}`, `--compile-executable-path=${runtimePath(t)}`], repo);
  sums.push(`${(await digest(join(staging, file), "sha256")).digest("hex")}  ${file}\n`);
}
await Bun.write(join(staging, "SHA256SUMS"), sums.join(""));
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
console.log(`Release ${packageJson.version} in ${outdir}:\n${sums.join("")}`);
