import { describe, expect, it } from "vitest";
import {
  AlreadyDecidedError,
  ErrorCode,
  InvalidConfigError,
  isSafeguardsError,
  SafeguardsError,
} from "../src/index.js";

/** What an error thrown by another installed copy of @safeguards/core looks like here. */
function fromAnotherCopy(code: string) {
  class SafeguardsError extends Error {
    readonly code = code;
    constructor(message: string) {
      super(message);
      Object.defineProperty(this, Symbol.for("safeguards.error"), { value: true });
    }
  }
  return new SafeguardsError("refused by the other copy");
}

describe("isSafeguardsError", () => {
  it("recognises errors of this copy, subclasses included, optionally by code", () => {
    expect(isSafeguardsError(new SafeguardsError(ErrorCode.TIMEOUT, "late"))).toBe(true);
    const decided = new AlreadyDecidedError("act_1", "approved");
    expect(isSafeguardsError(decided, ErrorCode.ALREADY_DECIDED)).toBe(true);
    expect(isSafeguardsError(decided, ErrorCode.EXPIRED)).toBe(false);
    expect(isSafeguardsError(new InvalidConfigError("bad"), ErrorCode.INVALID_CONFIG)).toBe(true);
  });

  it("recognises an error from another copy of the package by its marker, not instanceof", () => {
    const foreign = fromAnotherCopy(ErrorCode.EXPIRED);
    expect(foreign instanceof SafeguardsError).toBe(false);
    expect(isSafeguardsError(foreign)).toBe(true);
    expect(isSafeguardsError(foreign, ErrorCode.EXPIRED)).toBe(true);
    expect(isSafeguardsError(foreign, ErrorCode.TIMEOUT)).toBe(false);
    const plain = { [Symbol.for("safeguards.error")]: true, code: ErrorCode.NOT_FOUND };
    expect(isSafeguardsError(plain, ErrorCode.NOT_FOUND)).toBe(true);
  });

  it("refuses look-alikes without the marker", () => {
    const lookAlike = Object.assign(new Error("x"), { code: ErrorCode.TIMEOUT });
    expect(isSafeguardsError(lookAlike)).toBe(false);
    expect(isSafeguardsError({ code: ErrorCode.TIMEOUT })).toBe(false);
    expect(isSafeguardsError({ [Symbol.for("safeguards.error")]: "yes" })).toBe(false);
    for (const value of [null, undefined, "SAFEGUARDS_TIMEOUT", 42]) {
      expect(isSafeguardsError(value)).toBe(false);
    }
  });

  it("keeps the marker out of the error's enumerable properties and JSON", () => {
    const error = new SafeguardsError(ErrorCode.CONFLICT, "taken", { details: { id: "a" } });
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "SafeguardsError",
      code: ErrorCode.CONFLICT,
      details: { id: "a" },
    });
  });
});
