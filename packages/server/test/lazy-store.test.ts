import { describe, expect, it } from "vitest";
import { lazyStore } from "../src/store/lazy-store.js";
import { createMemoryStore } from "../src/store/memory-store.js";

describe("lazyStore", () => {
  it("loads its store once, at the first call, and answers through it", async () => {
    let loads = 0;
    const store = lazyStore(async () => {
      loads++;
      return createMemoryStore();
    });
    expect(loads).toBe(0);
    await store.init();
    expect(await store.get("missing")).toBeUndefined();
    expect(await store.nextExpiry()).toBeNull();
    expect(loads).toBe(1);
    await store.close();
  });

  it("closing a store that never loaded loads nothing", async () => {
    let loads = 0;
    const store = lazyStore(async () => {
      loads++;
      return createMemoryStore();
    });
    await store.close();
    expect(loads).toBe(0);
  });

  it("a driver that fails to load fails init", async () => {
    const store = lazyStore(() => Promise.reject(new Error("no driver")));
    await expect(store.init()).rejects.toThrow("no driver");
    await store.close();
  });
});
