/**
 * Stable file names for --output-dir: `<organisation>.yaml` and `<organisation>--<project>.yaml`, from slugs of the
 * names (lower case, letters and digits, runs of anything else as one "-"). Names whose slugs collide get a short
 * hash of the exact name, so each keeps its file whatever else is exported; `_instance.yaml` cannot collide (a slug
 * has no "_").
 */
import type { Desired } from "../kinds/index.ts";

export function slug(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s || "unnamed";
}

/** FNV-1a of the UTF-8 bytes, in base 36: short, and the same on every machine and version. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(36).padStart(7, "0");
}

/** Slugs for names, made unique by a hash where two names share one. */
function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const bySlug = new Map<string, string[]>();
  for (const name of new Set(names)) bySlug.set(slug(name), [...(bySlug.get(slug(name)) ?? []), name]);
  const out = new Map<string, string>();
  for (const [s, shared] of bySlug)
    for (const name of shared) out.set(name, shared.length > 1 ? `${s}-${shortHash(name)}` : s);
  return out;
}

export function fileNames(desired: Desired) {
  const organisations = uniqueSlugs(desired.organisations.map((o) => o.name));
  const projects = new Map<string, Map<string, string>>();
  for (const o of desired.organisations)
    projects.set(o.name, uniqueSlugs(desired.projects.filter((p) => p.organisation === o.name).map((p) => p.name)));
  return {
    organisation: (name: string) => `${organisations.get(name)}.yaml`,
    project: (organisation: string, name: string) =>
      `${organisations.get(organisation)}--${projects.get(organisation)!.get(name)}.yaml`,
    instance: "_instance.yaml",
  };
}
