/**
 * Which callback targets count as public without a `callbackUrls` allowlist (issue 13,
 * finding 3): IP literals in every spelling the WHATWG URL parser accepts, and the lookup
 * that checks every address a name resolves to before connecting. Nothing here connects.
 */
import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { createCallbackUrlCheck } from "../src/inbox/callback-allowlist.js";
import { checkedLookup } from "../src/inbox/callback-dispatcher.js";
import { isPublicAddress } from "../src/inbox/public-address.js";
import { INTERNAL_CALLBACK_URLS } from "./ssrf-targets.js";

describe("callback targets without an allowlist", () => {
  const check = createCallbackUrlCheck(undefined);

  it("refuses internal IP literals in every spelling the URL parser accepts", () => {
    for (const url of INTERNAL_CALLBACK_URLS) expect(check(url, "a"), url).toMatch(/public/);
  });

  it("accepts public addresses and host names (names are checked when resolved)", () => {
    for (const url of [
      "https://agents.example.com/cb",
      "http://8.8.8.8/cb",
      "http://134744072/", // 8.8.8.8
      "http://172.15.255.255/",
      "http://172.32.0.1/",
      "http://100.128.0.1/",
      "http://9.255.255.255/",
      "http://[2606:4700:4700::1111]/",
      "http://localhost.example.com/",
    ])
      expect(check(url, "a"), url).toBeNull();
  });

  it("an allowlist entry may name an internal target", () => {
    const allow = createCallbackUrlCheck(["http://127.0.0.1:9000/hooks/"]);
    expect(allow("http://127.0.0.1:9000/hooks/cb", "a")).toBeNull();
    expect(allow("http://2130706433:9000/hooks/cb", "a")).toBeNull(); // the same origin
    expect(allow("http://127.0.0.1:9001/hooks/cb", "a")).toMatch(/allowlist/);
  });

  it("classifies bare addresses", () => {
    expect(isPublicAddress("1.1.1.1")).toBe(true);
    expect(isPublicAddress("2a00:1450::1")).toBe(true);
    for (const ip of ["127.0.0.1", "::1", "::ffff:8.8.8.8", "fd00::1", "not-an-ip", ""])
      expect(isPublicAddress(ip), ip).toBe(false);
  });
});

/** Runs the connect lookup for `hostname` against fixed answers. */
function lookupWith(answers: LookupAddress[], publicOnly: boolean, all = true) {
  const lookup = checkedLookup({ publicOnly, lookup: async () => answers });
  return new Promise<{ error: Error | null; address: unknown }>((resolve) =>
    lookup("rebind.test", { all }, (error, address) => resolve({ error, address })),
  );
}

describe("the delivery lookup (DNS rebinding)", () => {
  const pub = { address: "93.184.216.34", family: 4 };
  const loop = { address: "127.0.0.1", family: 4 };

  it("refuses a name when any address it resolves to is not public", async () => {
    for (const answers of [[loop], [pub, loop], [loop, pub], [{ address: "fe80::1", family: 6 }]]) {
      const { error } = await lookupWith(answers, true);
      expect(error?.message).toMatch(/not a public address/);
    }
    expect((await lookupWith([], true)).error?.message).toMatch(/no address/);
  });

  it("hands the checked addresses to the socket, in both lookup forms", async () => {
    expect(await lookupWith([pub], true)).toEqual({ error: null, address: [pub] });
    expect(await lookupWith([pub], true, false)).toEqual({ error: null, address: pub.address });
  });

  it("with an allowlist, names may resolve to internal addresses", async () => {
    expect(await lookupWith([loop], false)).toEqual({ error: null, address: [loop] });
  });
});
