import { createColors } from "picocolors";
import { isReported, type Outcome, type RunResult } from "../kinds/plan.ts";
import { isNested, labelOf, skipReasonOf } from "./labels.ts";

/** How the text report is rendered. */
export interface TextOptions {
  /**
   * Put every new environment's client-side key on its line (--show-environment-keys); else only where `show_key` asks.
   */
  showEnvironmentKeys: boolean;
  color: boolean;
}

/** Counts of the reported actions (the ones that get a line). */
export interface Summary {
  created: number;
  skipped: number;
  /** Skips whose entity differs from the files (contract §7). */
  differ: number;
}

/** Counts what the summary line reports: only actions that get their own line (kinds/plan.ts isReported). */
export function summarise(result: RunResult): Summary {
  const reported = result.outcomes.filter((o) => isReported(o.action));
  return {
    created: reported.filter((o) => o.action.op === "create").length,
    skipped: reported.filter((o) => o.action.op === "skip").length,
    differ: reported.filter((o) => o.action.drift).length,
  };
}

/** The stdout lines of a run, in the exact wording of contract §3 "Output (text)": entity lines, then the summary. */
export function textReport(result: RunResult, options: TextOptions): string[] {
  return [...entityLines(result, options), summaryLine(result, options.color)];
}

/**
 * One line (or more, for a reset link) per reported action, made as they are written: a run over a million
 * feature states need not hold all its lines at once.
 */
export function* entityLines(result: RunResult, options: TextOptions): Generator<string> {
  const c = createColors(options.color);
  for (const outcome of result.outcomes) {
    if (!isReported(outcome.action)) continue;
    yield* outcomeLines(outcome, result.dryRun, options, c);
  }
}

/** The last line: what was (or would be) created and skipped. */
export function summaryLine(result: RunResult, color: boolean): string {
  const { created, skipped, differ } = summarise(result);
  // "differ" only when something does: runs without drift read as they always have.
  const differing = differ > 0 ? `, ${differ} differ` : "";
  return createColors(color).bold(
    result.dryRun
      ? `Dry run complete: ${created} would be created, ${skipped} skipped${differing}. Nothing was written.`
      : `Provisioning complete: ${created} created, ${skipped} skipped${differing}.`,
  );
}

type Colors = ReturnType<typeof createColors>;

function outcomeLines(outcome: Outcome, dryRun: boolean, options: TextOptions, c: Colors): string[] {
  const { action } = outcome;
  const label = labelOf(action).text;
  if (action.op === "skip") {
    return [`${c.dim(dryRun ? "Would skip" : "Skipped")} ${label} (${skipReasonOf(action)}).`];
  }
  const verb = isNested(action) ? (dryRun ? "Would add" : "Added") : dryRun ? "Would create" : "Created";
  const colouredVerb = dryRun ? c.cyan(verb) : c.green(verb);
  // A dry run writes nothing, so it has no secrets to show (and must not show any).
  const secrets = dryRun ? [] : outcome.secrets;
  let ending = ".";
  const after: string[] = [];
  const showKey = options.showEnvironmentKeys || (action.kind === "environment" && action.entity.showKey);
  for (const secret of secrets) {
    if (secret.kind === "masterApiKey") ending = `: ${c.bold(secret.key)}`;
    else if (secret.kind === "environmentKey" && showKey) ending = ` (API key: ${c.bold(secret.key)}).`;
    else if (secret.kind === "resetLink")
      after.push(`Please go to the following page and choose a password: ${secret.url}`);
    else if (secret.kind === "resetInstructions") after.push(secret.text);
  }
  return [`${colouredVerb} ${label}${ending}`, ...after];
}
