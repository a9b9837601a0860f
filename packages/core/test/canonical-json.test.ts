import { canonicalJson, hashArgs } from "@safeguards/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalize } from "../src/util/canonical-json.js";

/** The IEEE 754 double with these 16 hex digits. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("canonicalJson (RFC 8785)", () => {
  // RFC 8785 Appendix B: IEEE 754 doubles and their serialisation.
  it.each([
    ["0000000000000000", "0"],
    ["8000000000000000", "0"], // minus zero
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ])("writes the double %s as %s", (bits, text) => {
    expect(canonicalJson(fromBits(bits))).toBe(text);
    expect(canonicalJson({ n: fromBits(bits) })).toBe(`{"n":${text}}`);
  });

  it.each([
    ["7fffffffffffffff", "NaN"],
    ["7ff0000000000000", "Infinity"],
    ["fff0000000000000", "Infinity"],
  ])("refuses the double %s (%s)", (bits, what) => {
    expect(() => canonicalJson([fromBits(bits)])).toThrow(new RegExp(what));
  });

  it("matches the RFC 8785 example (3.2.2): numbers, string escapes, literals", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts members by UTF-16 code units, not code points (RFC 8785 3.2.3)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // "\r" (U+000D) before "1"; U+1F600 (surrogates D83D DE00) before U+FB33, though by code
    // point it would come after.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it("sorts nested members, keeps array order, writes no whitespace", () => {
    expect(canonicalJson({ b: [3, { d: 1, c: [] }], a: { y: null, x: "z" } })).toBe(
      '{"a":{"x":"z","y":null},"b":[3,{"c":[],"d":1}]}',
    );
  });

  it("escapes strings as JSON.stringify does (lowercase \\u00xx, no / escape)", () => {
    expect(canonicalJson('\u0000\u0008\t\n\u000b\f\r\u001f"\\/é\u2028')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/é\u2028"',
    );
  });

  it("follows JSON.stringify for toJSON, boxed values and values without a JSON form", () => {
    expect(canonicalJson({ at: new Date(0), n: new Number(2), s: new String("x") })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","n":2,"s":"x"}',
    );
    expect(canonicalJson({ u: undefined, f: () => 1, y: Symbol("y"), k: 1 })).toBe('{"k":1}');
    expect(canonicalJson([undefined, () => 1, Symbol("y"), { toJSON: () => undefined }])).toBe(
      "[null,null,null,null]",
    );
    expect(canonicalize(undefined)).toBeUndefined();
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it("refuses lone surrogates, BigInt and cycles; a shared (acyclic) object is fine", () => {
    expect(() => canonicalJson("\ud800")).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ "\udc00": 1 })).toThrow(/Lone surrogate/);
    expect(canonicalJson("\ud83d\ude00")).toBe('"\ud83d\ude00"');
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    const cycle: Record<string, unknown> = {};
    cycle.self = [cycle];
    expect(() => canonicalJson(cycle)).toThrow(/Circular/);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it("handles nesting deeper than the call stack", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
    expect(canonicalJson(deep)).toHaveLength(100_000 * 8 + 1);
  });

  it("reads back as the same JSON value, and is idempotent", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe("hashArgs", () => {
  // Computed with the `canonicalize` package 5.1.0 before it was replaced: must never change.
  it.each([
    [
      { to: "ACME", amount: "2500.00" },
      "sha256:fbcbe4d71cdc1d1ca2ece28d9f0cce71fc45691c72fa8d54467967298b9d25f0",
    ],
    [
      { amount: "1.00", to: "ACME" },
      "sha256:f98f7ff1e71656b2875d5d58c5b5d065960d741cfc0371c4389afb63bdce22b2",
    ],
    [{}, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"],
    [[], "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"],
    [
      {
        numbers: [333333333.3333333, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
        string: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/",
        literals: [null, true, false],
      },
      "sha256:2d5e01a318d0f0879ab568c4be289c8b1f64ef8921a53c6277d5e069978baacb",
    ],
    [
      {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
      },
      "sha256:5e321556d22018a9656991a9e94f77ec175fa193e52a2429d312f8419ec8b08c",
    ],
    [
      {
        nested: { z: [1, { b: 2, a: 1 }], a: null },
        n: -0,
        big: 1e21,
        small: 1e-7,
        text: 'línea\n"quoted"\t\u0001',
      },
      "sha256:4bcdb89a2828774536deb33c8f1f5b513a4b8f879d2ca51a1bc824403e9abe40",
    ],
  ])("keeps the hash of %j", (args, expected) => {
    expect(hashArgs(args)).toBe(expected);
  });
});
