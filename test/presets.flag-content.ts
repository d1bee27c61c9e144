import { UserError } from "../src/errors.ts";
import { loadDesired } from "../src/input/index.ts";

/**
 * Issue 10: the dev and demo presets declare flag content (PROVISIONING.md §5: per-environment states,
 * overrides, variants, tags, owners, settings). Until the loader accepts that format, the tests that load or
 * apply these two presets are skipped with a notice; from the build that accepts it on, they run.
 *
 * A fixed probe decides, never the presets themselves: a mistake in a preset can only fail its tests, not
 * switch them off. A probe refused for any reason other than unknown fields throws, so it cannot hide either.
 */
export const FLAG_CONTENT_PRESETS: ReadonlySet<string> = new Set(["dev", "demo"]);

const PROBE = `version: "1.0"
organisations:
  - name: Probe Org
projects:
  - name: Probe
    organisation: Probe Org
    tags:
      - { label: probe, color: "#3d4db6" }
    environments:
      - name: Live
    segments:
      - name: everyone
        rules:
          - type: ALL
            conditions:
              - { operator: PERCENTAGE_SPLIT, value: 100 }
    features:
      - name: probe_flag
        tags: [probe]
        environments:
          Live:
            enabled: true
            segment_overrides:
              - { segment: everyone, enabled: false }
`;

function probeFlagContent(): boolean {
  try {
    loadDesired([{ name: "flag-content-probe.yaml", text: PROBE }], {});
    return true;
  } catch (error) {
    if (error instanceof UserError && error.issues.every((issue) => issue.rule === "unknown-key")) return false;
    throw error;
  }
}

/** Whether this build reads PROVISIONING.md §5 flag content. */
export const flagContentSupported: boolean = probeFlagContent();

/** True while `preset` declares flag content this build cannot read yet (its loading and applying tests skip). */
export function awaitsFlagContent(preset: string): boolean {
  return FLAG_CONTENT_PRESETS.has(preset) && !flagContentSupported;
}

/** Says once per suite, visibly, what is skipped and why. */
export function noticeAwaitedFlagContent(suite: string): void {
  if (!flagContentSupported)
    console.warn(
      `NOTICE: ${suite}: this build does not read flag content (PROVISIONING.md §5) yet; ` +
        `tests that load or apply the ${[...FLAG_CONTENT_PRESETS].join(" and ")} presets are skipped until it does.`,
    );
}
