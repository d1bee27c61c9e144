/**
 * `--secrets-file PATH`: every secret a run creates, appended as one JSON object per line and fsynced
 * before the commit, for init containers whose logs are not kept. The file is created 0600 (and made
 * 0600 if it existed), and only ever appended to: a later run with nothing to create must not wipe the
 * keys an earlier run printed.
 */
import { closeSync, fchmodSync, fsyncSync, openSync, writeSync } from "node:fs";
import { UserError } from "../errors.ts";
import type { RunResult } from "../kinds/plan.ts";
import { labelOf } from "./labels.ts";

/** An open secrets file: `write` appends a run's secrets and fsyncs; `close` when the run is over. */
export interface SecretsFile {
  write(result: RunResult): void;
  close(): void;
}

/** Opens (creating) the file for appending; a path that cannot be opened is an invalid option (exit 2). */
export function openSecretsFile(path: string): SecretsFile {
  let fd: number;
  try {
    fd = openSync(path, "a", 0o600);
    fchmodSync(fd, 0o600);
  } catch (error) {
    throw new UserError([
      {
        rule: "invalid-option",
        message: `--secrets-file "${path}" cannot be opened for writing (${(error as { code?: string }).code ?? String(error)})`,
        hint: "give a path in a writable directory (an emptyDir or a Secret-backed volume in Kubernetes)",
      },
    ]);
  }
  return {
    write(result) {
      const at = new Date().toISOString();
      const lines = result.outcomes.flatMap(({ action, secrets }) =>
        secrets.map(
          (secret) => JSON.stringify({ ...secret, for: { kind: action.kind, ...labelOf(action).fields }, at }) + "\n",
        ),
      );
      if (lines.length === 0) return;
      // A failed write throws inside the transaction, which then rolls back: no secret goes unrecorded.
      writeSync(fd, lines.join(""));
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
