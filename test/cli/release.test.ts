import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { REPO, ensureBinary, run, tempDir, type Ran } from "../helpers/binary.ts";

// The full matrix as `bun run release` builds it: ~6 s with the runtimes cached, plus a one-time
// fetch of ~290 MB of runtimes on a fresh machine. qemu-aarch64 takes ~1 s per run.
setDefaultTimeout(240_000);

const VERSION = packageJson.version;
const MATRIX = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-arm64-musl", "linux-x64", "linux-x64-musl"];
const fileFor = (platform: string) => `flagsmith-provision-${VERSION}-${platform}`;

// Debian's qemu-user runs the arm64 build; libc6-arm64-cross gives it the arm64 glibc to load.
const AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
const qemu = Bun.which("qemu-aarch64");
const canRunArm64 = qemu !== null && existsSync(join(AARCH64_SYSROOT, "lib", "ld-linux-aarch64.so.1"));
const nativeArm64 = process.platform === "linux" && process.arch === "arm64";
if (!canRunArm64 && !nativeArm64) {
  console.warn(
    `NOTICE: test/cli/release.test.ts: qemu-aarch64 or ${AARCH64_SYSROOT} is missing (apt-get install -y qemu-user libc6-arm64-cross); the linux-arm64 build is not run.`,
  );
}

/** The release file this machine runs natively. */
function hostPlatform(): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  if (process.platform === "darwin") return `darwin-${arch}`;
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
    ?.glibcVersionRuntime;
  return `linux-${arch}${glibc ? "" : "-musl"}`;
}

let root: string;
let outdir: string;
let distBefore: Record<string, number>;
let release: Ran;

beforeAll(() => {
  ensureBinary();
  distBefore = distSnapshot();
  root = tempDir("fsp-release-");
  outdir = join(root, "release");
  // Through the package.json script, as a release is made; npm needs the real environment to fetch.
  const ran = Bun.spawnSync(["bun", "run", "release", "--outdir", outdir], {
    cwd: REPO,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  release = { exitCode: ran.exitCode ?? -1, stdout: ran.stdout.toString(), stderr: ran.stderr.toString() };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const LC_CODE_SIGNATURE = 0x1d;

/** The load command types of a 64-bit Mach-O header (they follow the 32-byte header; ncmds at byte 16). */
function machOLoadCommands(head: Buffer): number[] {
  const commands: number[] = [];
  for (let i = 0, at = 32; i < head.readUInt32LE(16) && at + 8 <= head.length; i++, at += head.readUInt32LE(at + 4)) {
    commands.push(head.readUInt32LE(at));
  }
  return commands;
}

/** Every entry of dist/ with its modification time. */
function distSnapshot(): Record<string, number> {
  const dist = join(REPO, "dist");
  return Object.fromEntries(readdirSync(dist).map((name) => [name, statSync(join(dist, name)).mtimeMs]));
}

/** `flagsmith-provision --version` and the offline bootstrap dry run of one release file, run by `prefix`. */
function expectRunsOffline(file: string, prefix: string[] = []): void {
  const dir = tempDir();
  const binary = join(dir, "flagsmith-provision");
  copyFileSync(join(outdir, file), binary);
  const version = run([...prefix, binary, "--version"], { cwd: dir });
  expect(version.stdout).toBe(`flagsmith-provision ${VERSION}\n`);
  expect(version.exitCode).toBe(0);
  const dryRun = run([...prefix, binary, "--preset", "bootstrap", "--dry-run"], { cwd: dir });
  expect(dryRun.stdout).toContain('Would create user "admin@example.com".');
  expect(dryRun.stdout).toContain("Dry run complete: 3 would be created, 0 skipped. Nothing was written.");
  expect(dryRun.stderr).toContain("No database configured: planning against an empty instance.");
  expect(dryRun.exitCode).toBe(0);
  rmSync(dir, { recursive: true, force: true });
}

describe("bun run release", () => {
  test("writes the whole matrix, the version in every name, and SHA256SUMS", () => {
    expect(release.stderr).not.toContain("error:");
    expect(release.exitCode).toBe(0);
    expect(readdirSync(outdir).sort()).toEqual(["SHA256SUMS", ...MATRIX.map(fileFor)].sort());
  });

  test("SHA256SUMS is in sha256sum format and matches every file", () => {
    const lines = readFileSync(join(outdir, "SHA256SUMS"), "utf8").trimEnd().split("\n");
    expect(lines.map((line) => line.replace(/^[0-9a-f]{64} {2}/, "")).sort()).toEqual(MATRIX.map(fileFor).sort());
    for (const line of lines) {
      const [sum, file] = line.split("  ") as [string, string];
      expect(new Bun.CryptoHasher("sha256").update(readFileSync(join(outdir, file))).digest("hex")).toBe(sum);
    }
    if (Bun.which("sha256sum")) {
      const check = run(["sha256sum", "--check", "--strict", "SHA256SUMS"], { cwd: outdir });
      expect(check.stdout.trim().split("\n")).toEqual(lines.map((line) => `${line.slice(66)}: OK`));
      expect(check.exitCode).toBe(0);
    }
  });

  test("each file is an executable for its platform: ELF or Mach-O, its CPU, glibc or musl loader", async () => {
    const ELF_MACHINE = { x64: 0x3e, arm64: 0xb7 };
    const MACHO_CPU = { x64: 0x01000007, arm64: 0x0100000c };
    for (const platform of MATRIX) {
      const head = Buffer.from(
        await Bun.file(join(outdir, fileFor(platform)))
          .slice(0, 4096)
          .arrayBuffer(),
      );
      const arch = platform.includes("arm64") ? "arm64" : "x64";
      expect(statSync(join(outdir, fileFor(platform))).mode & 0o111).toBe(0o111);
      if (platform.startsWith("darwin")) {
        expect(head.readUInt32LE(0)).toBe(0xfeedfacf); // 64-bit Mach-O
        expect(head.readUInt32LE(4)).toBe(MACHO_CPU[arch]);
        // macOS on Apple silicon kills an unsigned executable: bun signs it (ad hoc) even when cross-compiling.
        expect(machOLoadCommands(head)).toContain(LC_CODE_SIGNATURE);
        continue;
      }
      expect(head.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
      expect(head.readUInt16LE(18)).toBe(ELF_MACHINE[arch]);
      // The program interpreter (PT_INTERP) sits in the first page: it decides which base images can run the file.
      const loader = platform.endsWith("-musl")
        ? "/lib/ld-musl-"
        : arch === "x64"
          ? "/lib64/ld-linux-x86-64.so.2"
          : "/lib/ld-linux-aarch64.so.1";
      expect(head.toString("latin1")).toContain(loader);
    }
  });

  test("leaves dist/flagsmith-provision, the binary the other tests run, and the rest of dist/ untouched", () => {
    expect(distSnapshot()).toEqual(distBefore);
    expect(distBefore).toHaveProperty("flagsmith-provision");
  });

  test("the host build prints its version and plans the bootstrap preset offline", () => {
    expectRunsOffline(fileFor(hostPlatform()));
  });

  test.skipIf(!canRunArm64 && !nativeArm64)(
    "the linux-arm64 build prints its version and plans offline (under qemu-aarch64 off arm64)",
    () => {
      expectRunsOffline(fileFor("linux-arm64"), nativeArm64 ? [] : [qemu!, "-L", AARCH64_SYSROOT]);
    },
  );

  test("refuses an --outdir holding files a release does not write, and leaves them", () => {
    const dir = join(root, "other");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "keep me");
    const ran = run(["bun", join(REPO, "scripts", "release.ts"), "--outdir", dir], { cwd: REPO });
    expect(ran.stderr).toContain("holds files a release does not write");
    expect(ran.exitCode).toBe(1);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });
});
