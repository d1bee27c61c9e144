import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { isDjangoPasswordHash, verifyPassword } from "../../src/flagsmith/django.ts";
import { STACK_LINE, ensureBinary, run, tempDir } from "../helpers/binary.ts";

// Building the binary takes seconds on a busy machine; each hash ~0.2 s of CPU.
setDefaultTimeout(120_000);

let binary: string;
let dir: string;
const hashPassword = (stdin: string) => run([binary, "hash-password"], { cwd: dir, stdin });

beforeAll(() => {
  dir = tempDir();
  binary = ensureBinary();
});

describe("hash-password (the compiled binary)", () => {
  test("prints one line, a 1,000,000-iteration Django PBKDF2-SHA256 hash of stdin's first line, and never the password", async () => {
    const password = "c0rrect horse $battery ${staple}: ünïcode";
    const ran = hashPassword(`${password}\nsecond line is ignored\n`);
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=\n$/);
    const hash = ran.stdout.trimEnd();
    expect(isDjangoPasswordHash(hash)).toBe(true);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(password + "\n", hash)).toBe(false);
    expect(ran.stdout + ran.stderr).not.toContain("horse");
  });

  test("CRLF and a missing final newline are both read as the bare password; salts differ per run", async () => {
    const crlf = hashPassword("s3cret-pw\r\n").stdout.trimEnd();
    const bare = hashPassword("s3cret-pw").stdout.trimEnd();
    expect(await verifyPassword("s3cret-pw", crlf)).toBe(true);
    expect(await verifyPassword("s3cret-pw", bare)).toBe(true);
    expect(crlf).not.toBe(bare);
  });

  test.each([
    ["no input at all", ""],
    ["an empty first line", "\nnot-this\n"],
  ])("%s: exit 2 with a clear message, nothing on stdout, no stack", (_, stdin) => {
    const ran = hashPassword(stdin);
    expect(ran.exitCode).toBe(2);
    expect(ran.stdout).toBe("");
    expect(ran.stderr).toContain("empty password");
    expect(ran.stderr).toContain("hash-password");
    expect(ran.stderr).not.toMatch(STACK_LINE);
  });

  test("--help states what the hash is for", () => {
    const ran = run([binary, "hash-password", "--help"], { cwd: dir });
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toContain("password_hash:");
  });
});
