import { describe, expect, test } from "bun:test";
import { featureStateValue, parsePythonInt, traitColumns } from "../../src/kinds/values.ts";

const int = (n: number) => ({ type: "int", booleanValue: null, integerValue: n, stringValue: null });
const bool = (b: boolean) => ({ type: "bool", booleanValue: b, integerValue: null, stringValue: null });
const text = (s: string | null) => ({ type: "unicode", booleanValue: null, integerValue: null, stringValue: s });

describe("featureStateValue (WRITES §3)", () => {
  test.each([
    ["25", int(25)],
    ["-25", int(-25)],
    ["+7", int(7)],
    [" 7 ", int(7)],
    ["\t42\n", int(42)],
    ["1_000", int(1000)],
    ["007", int(7)],
    ["0", int(0)],
    ["2147483646", int(2147483646)],
    ["-2147483646", int(-2147483646)],
    ["\u0663", int(3)], // ARABIC-INDIC DIGIT THREE: Python int() accepts any Nd digit
    ["\u{1D7D9}", int(1)], // MATHEMATICAL DOUBLE-STRUCK DIGIT ONE (second adjacent run of 0..9)
  ])("%p is an integer", (input, expected) => {
    expect(featureStateValue(input)).toEqual(expected as never);
  });

  test.each([
    ["2147483647"],
    ["-2147483647"],
    ["99999999999999999999"],
    ["1.0"],
    ["1e3"],
    ["1__0"],
    ["_1"],
    ["1_"],
    ["+ 5"],
    ["0x10"],
    [""],
    ["   "],
    ["TRUE"],
    ["yes"],
    ['{"a": 1}'],
    ["[1, 2]"],
    ["\uFEFF5"], // U+FEFF is not whitespace for Python
  ])("%p is a string, stored verbatim", (input) => {
    expect(featureStateValue(input)).toEqual(text(input) as never);
  });

  test("booleans: exactly true/True/false/False", () => {
    expect(featureStateValue("true")).toEqual(bool(true) as never);
    expect(featureStateValue("True")).toEqual(bool(true) as never);
    expect(featureStateValue("false")).toEqual(bool(false) as never);
    expect(featureStateValue("False")).toEqual(bool(false) as never);
    expect(featureStateValue(" true")).toEqual(text(" true") as never);
  });

  test("no initial value → unicode with every value NULL", () => {
    expect(featureStateValue(null)).toEqual(text(null) as never);
  });
});

describe("parsePythonInt", () => {
  test("whitespace Python's int() strips (incl. U+0085) but not U+FEFF or U+001F", () => {
    expect(parsePythonInt("\u00855\u00a0")).toBe(5n);
    expect(parsePythonInt("5\u001f")).toBeNull();
    expect(parsePythonInt("\u3000-12\u2029")).toBe(-12n);
    expect(parsePythonInt("\uFEFF5")).toBeNull();
  });
  test("big values are exact", () => {
    expect(parsePythonInt("123_456_789_012_345_678_901")).toBe(123456789012345678901n);
  });
});

describe("traitColumns (Trait.generate_trait_value_data)", () => {
  test("string, int, bool, float", () => {
    expect(traitColumns("x")).toEqual({
      valueType: "unicode",
      booleanValue: null,
      integerValue: null,
      floatValue: null,
      stringValue: "x",
    });
    expect(traitColumns("25")).toMatchObject({ valueType: "unicode", stringValue: "25" });
    expect(traitColumns(25)).toMatchObject({ valueType: "int", integerValue: 25, stringValue: null });
    expect(traitColumns(false)).toMatchObject({ valueType: "bool", booleanValue: false });
    expect(traitColumns(1.5)).toMatchObject({ valueType: "float", floatValue: 1.5, integerValue: null });
  });
  test("integers beyond the 32-bit column become floats", () => {
    expect(traitColumns(2147483647)).toMatchObject({ valueType: "int" });
    expect(traitColumns(-2147483648)).toMatchObject({ valueType: "int" });
    expect(traitColumns(2147483648)).toMatchObject({ valueType: "float", floatValue: 2147483648 });
  });
});
