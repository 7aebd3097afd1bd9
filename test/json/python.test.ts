import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type JsonValue,
  PythonFloat,
  pythonFloatRepr,
  pythonJsonDumps,
  pythonJsonLoads,
} from "../../src/json/python.js";

describe("pythonFloatRepr matches CPython's repr(float)", () => {
  // [value, repr(value)] printed by CPython 3.
  const TABLE: [number, string][] = [
    [0.0, "0.0"],
    [-0.0, "-0.0"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.1 + 0.2, "0.30000000000000004"],
    [Number("123456789012345678.0"), "1.2345678901234568e+17"],
    [1.5e-7, "1.5e-07"],
    [100.0, "100.0"],
    [-2.5, "-2.5"],
    [1.0, "1.0"],
    [0.1, "0.1"],
    [1 / 3, "0.3333333333333333"],
    [2 / 3, "0.6666666666666666"],
    [9999999999999998.0, "9999999999999998.0"],
    [Number("9007199254740993.0"), "9007199254740992.0"],
    [1.2345e-5, "1.2345e-05"],
    [0.00012345, "0.00012345"],
    [123.456, "123.456"],
    [-1e-310, "-1e-310"],
    [2.2250738585072014e-308, "2.2250738585072014e-308"],
    [1e22, "1e+22"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [-1.5e300, "-1.5e+300"],
    [Number("12345678901234567890.0"), "1.2345678901234567e+19"],
    [0.5, "0.5"],
    [Math.PI, "3.141592653589793"],
    [1e-7, "1e-07"],
    [4.35, "4.35"],
    [0.3, "0.3"],
    [1234.5e10, "12345000000000.0"],
    [99.99999999999999, "99.99999999999999"],
    [1e-323, "1e-323"],
    [6.02214076e23, "6.02214076e+23"],
    [0.000123, "0.000123"],
  ];

  it.each(TABLE)("repr(%s) = %s", (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });

  it("writes NaN and the infinities as json.dumps does", () => {
    expect(pythonFloatRepr(Number.NaN)).toBe("NaN");
    expect(pythonFloatRepr(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(pythonFloatRepr(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
  });

  it("round-trips every double and has Python's shape", () => {
    const shape = /^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/;
    fc.assert(
      fc.property(fc.double(), (x) => {
        const text = pythonFloatRepr(x);
        expect(Object.is(Number(text), x)).toBe(true);
        if (Number.isFinite(x)) {
          expect(text).toMatch(shape);
          // Exponent form exactly outside [1e-4, 1e16), as CPython.
          const abs = Math.abs(x);
          expect(text.includes("e")).toBe(abs !== 0 && (abs < 1e-4 || abs >= 1e16));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("uses the shortest digits (no longer than JavaScript's shortest form)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const digits = (s: string) => s.split("e")[0]!.replace(/[-.]/g, "").replace(/^0+/, "");
        const ours = digits(pythonFloatRepr(x)).replace(/0+$/, "");
        const js = digits(Math.abs(x).toExponential()).replace(/0+$/, "");
        expect(ours).toBe(js);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("pythonJsonDumps matches CPython's json.dumps", () => {
  // Expected strings printed by CPython's json.dumps for the same Python values.
  const TABLE: [string, unknown, string][] = [
    [
      "nested containers",
      { a: [1, 2.5, null, true, false], b: { c: "d", e: [] }, f: {} },
      '{"a": [1, 2.5, null, true, false], "b": {"c": "d", "e": []}, "f": {}}',
    ],
    [
      "unicode and surrogate pairs",
      { uni: "héllo wörld ñ", cjk: "日本語", emoji: "😀👍🏽", lone: "\ud800x" },
      '{"uni": "h\\u00e9llo w\\u00f6rld \\u00f1", "cjk": "\\u65e5\\u672c\\u8a9e", "emoji": "\\ud83d\\ude00\\ud83d\\udc4d\\ud83c\\udffd", "lone": "\\ud800x"}',
    ],
    [
      "control characters, quotes and backslashes",
      { ctl: "\x00\x01\x1f\x7f\x80\x9f", ws: "\b\f\n\r\t", q: 'say "hi" \\ / \'' },
      '{"ctl": "\\u0000\\u0001\\u001f\\u007f\\u0080\\u009f", "ws": "\\b\\f\\n\\r\\t", "q": "say \\"hi\\" \\\\ / \'"}',
    ],
    [
      "deep nesting, non-ASCII keys, line separators",
      ["nested", ["deeper", ["deepest", { kéy: "v\u2028\u2029" }]]],
      '["nested", ["deeper", ["deepest", {"k\\u00e9y": "v\\u2028\\u2029"}]]]',
    ],
    [
      "numbers (1e16 held as a Python float)",
      { nums: [0.1, -0.5, 1e-5, new PythonFloat(1e16), 123.456, 1.5e-7, 3, -7, 0] },
      '{"nums": [0.1, -0.5, 1e-05, 1e+16, 123.456, 1.5e-07, 3, -7, 0]}',
    ],
    [
      "NaN and infinities",
      { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY },
      '{"nan": NaN, "inf": Infinity, "ninf": -Infinity}',
    ],
    ["BOM and U+FFFF", "\ufeffBOM\uffff", '"\\ufeffBOM\\uffff"'],
    [
      "PythonFloat values",
      [new PythonFloat(1e16), new PythonFloat(1), new PythonFloat(-0), new PythonFloat(100)],
      "[1e+16, 1.0, -0.0, 100.0]",
    ],
    ["an integer (Python int)", 1e16, "10000000000000000"],
    ["printable ASCII stays, DEL is escaped", ["~\x7f"], '["~\\u007f"]'],
    ["plain string", "plain ascii ~", '"plain ascii ~"'],
    ["nested objects", { k: [true, null, { z: [] }] }, '{"k": [true, null, {"z": []}]}'],
  ];

  it.each(TABLE)("%s", (_name, value, expected) => {
    expect(pythonJsonDumps(value as JsonValue)).toBe(expected);
  });

  it("writes -0 as Python writes the float -0.0 (an int cannot be negative zero)", () => {
    // json.dumps(-0.0) == "-0.0"; writing "0" loses the sign on a round trip.
    expect(pythonJsonDumps(-0)).toBe("-0.0");
    expect(pythonJsonDumps([0, -0])).toBe("[0, -0.0]");
  });

  it("escapes strings like JSON.stringify plus ensure_ascii", () => {
    const reference = (s: string): string =>
      JSON.stringify(s).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(pythonJsonDumps(s)).toBe(reference(s));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (s) => {
          const text = pythonJsonDumps(s);
          expect(text).toBe(reference(s));
          expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("round-trips JSON values through pythonJsonLoads", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        // -0 is covered above; JSON.stringify turns it into 0 here.
        const value = JSON.parse(JSON.stringify(generated)) as JsonValue;
        const text = pythonJsonDumps(value);
        expect(pythonJsonLoads(text)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe("pythonJsonLoads", () => {
  it("reads NaN, Infinity and -Infinity", () => {
    const parsed = pythonJsonLoads("[NaN, Infinity, -Infinity]") as number[];
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toBeNaN();
    expect(parsed[1]).toBe(Number.POSITIVE_INFINITY);
    expect(parsed[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(pythonJsonLoads("NaN")).toBeNaN();
    expect(pythonJsonLoads("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
  });

  it("reads what pythonJsonDumps writes for non-finite numbers", () => {
    const text = pythonJsonDumps({ nan: Number.NaN, inf: Number.POSITIVE_INFINITY, x: [1.5] });
    const parsed = pythonJsonLoads(text) as Record<string, JsonValue>;
    expect(parsed["nan"]).toBeNaN();
    expect(parsed["inf"]).toBe(Number.POSITIVE_INFINITY);
    expect(parsed["x"]).toEqual([1.5]);
  });

  it("leaves strings containing those words alone", () => {
    expect(pythonJsonLoads('{"a": "NaN", "b": "Infinity", "c": "-Infinity is a word"}')).toEqual({
      a: "NaN",
      b: "Infinity",
      c: "-Infinity is a word",
    });
    const mixed = pythonJsonLoads(
      '{"s": "NaN and -Infinity", "q": "quote \\" NaN \\\\", "NaN": Infinity, "v": NaN}',
    ) as Record<string, JsonValue>;
    expect(mixed["s"]).toBe("NaN and -Infinity");
    expect(mixed["q"]).toBe('quote " NaN \\');
    expect(mixed["NaN"]).toBe(Number.POSITIVE_INFINITY);
    expect(mixed["v"]).toBeNaN();
  });

  it("keeps strings that start with U+0000 next to a NaN (json.loads: ['\\x00x', nan])", () => {
    const parsed = pythonJsonLoads('["\\u0000x", "\\u0000Infinity", NaN]') as JsonValue[];
    expect(parsed[0]).toBe("\u0000x");
    expect(parsed[1]).toBe("\u0000Infinity");
    expect(parsed[2]).toBeNaN();
  });

  it("still rejects invalid JSON", () => {
    expect(() => pythonJsonLoads("{bad")).toThrow(SyntaxError);
    expect(() => pythonJsonLoads("NaNx")).toThrow(SyntaxError);
    expect(() => pythonJsonLoads("[Infinity,]")).toThrow(SyntaxError);
  });
});

describe("pythonJsonDumps only ever writes valid JSON", () => {
  it("writes array holes and undefined items as null, leaves undefined fields out", () => {
    const losses: number[] = [];
    losses[1] = 0.5; // a per-epoch list with a skipped epoch
    expect(pythonJsonDumps(losses)).toBe("[null, 0.5]");
    expect(pythonJsonDumps(new Array(2))).toBe("[null, null]");
    expect(pythonJsonDumps([undefined, 1] as unknown as JsonValue)).toBe("[null, 1]");
    expect(pythonJsonDumps({ a: undefined, b: 1 } as unknown as JsonValue)).toBe('{"b": 1}');
    // The same as JSON.stringify, and what Python reads back.
    expect(JSON.parse(pythonJsonDumps(losses))).toEqual(JSON.parse(JSON.stringify(losses)));
  });

  it("throws instead of writing what JSON cannot hold", () => {
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    const bad: unknown[] = [
      () => 1,
      Symbol("s"),
      10n,
      circular,
      new Date(0),
      new Map([["a", 1]]),
      new Set([1]),
      { nested: [new (class Point {})()] },
    ];
    for (const value of bad) expect(() => pythonJsonDumps(value as object)).toThrow(TypeError);
  });

  it("writes text that Python's json module (Optuna's reader) parses", () => {
    if (!existsSync("/usr/bin/python3")) return;
    const sparse: number[] = [];
    sparse[2] = 1;
    const holey: unknown[] = [];
    holey[1] = 1;
    const values: unknown[] = [sparse, new Array(3), { a: holey }, [[], [undefined]]];
    for (const value of values) {
      const text = pythonJsonDumps(value as JsonValue);
      const back = execFileSync(
        "/usr/bin/python3",
        ["-c", "import json,sys; print(json.dumps(json.loads(sys.stdin.read())))"],
        { input: text, encoding: "utf8" },
      ).trim();
      expect(back).toBe(text);
    }
  });
});
