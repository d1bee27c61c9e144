import { describe, expect, test } from "bun:test";
import { parseDocument } from "yaml";
import { findPreset, PRESETS } from "../src/presets.ts";

describe("embedded presets", () => {
  test("every preset has files named preset:<name>/<file>.yaml, a summary and parseable YAML with version 1.0", () => {
    for (const preset of PRESETS) {
      expect(preset.summary.length).toBeGreaterThan(10);
      expect(preset.files.length).toBeGreaterThan(0);
      for (const file of preset.files) {
        expect(file.name).toMatch(new RegExp(`^preset:${preset.name}/[a-z0-9-]+\\.yaml$`));
        expect(file.text.startsWith(`# `)).toBe(true);
        const document = parseDocument(file.text);
        expect(document.errors).toEqual([]);
        expect(document.get("version")).toBe("1.0");
      }
    }
  });

  test("findPreset finds by exact name only", () => {
    expect(findPreset("bootstrap")?.name).toBe("bootstrap");
    expect(findPreset("nope")).toBeUndefined();
    expect(findPreset("Bootstrap")).toBeUndefined();
  });

  test("bootstrap reads exactly the contract's variables", () => {
    expect(findPreset("bootstrap")!.variables.toSorted()).toEqual(["ADMIN_EMAIL", "APP_DOMAIN", "ORGANISATION_NAME", "PROJECT_NAME"]);
  });
});
