/**
 * The contract of the Slack message store, run against the memory, SQLite and PostgreSQL
 * stores: save, an atomic take (the claim of `chat.update`: of concurrent callers, even on
 * two instances of one database, exactly one gets the message), purging of expired entries,
 * and entries that outlive the process for the database stores.
 */
import { createTestDatabase, PG_TEST_URL } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { createMemoryStore } from "../src/store/memory-store.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import type { SlackMessageStore } from "../src/store/slack-message-store.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";

/** Opens stores on one database (each `open` is another instance of it). */
interface Fixture {
  open(): Promise<ActionStore>;
  /** Whether `open` answers a new instance on the same data (false for memory: the same store). */
  durable: boolean;
  dispose(): Promise<void>;
}

const T0 = Date.parse("2026-12-06T10:00:00Z");
const entry = (ts: string, expiresAtMs = T0 + 60_000) => ({ channel: "C123", ts, expiresAtMs });
const slackOf = (store: ActionStore): SlackMessageStore => {
  const messages = store.slackMessages?.();
  if (!messages) throw new Error("the store has no Slack messages");
  return messages;
};

function runSlackMessageContract(name: string, fixture: () => Promise<Fixture>) {
  describe(`Slack message store (${name})`, () => {
    const withStores = async (fn: (f: Fixture, opened: ActionStore[]) => Promise<void>) => {
      const f = await fixture();
      const opened: ActionStore[] = [];
      try {
        await fn(f, opened);
      } finally {
        for (const s of opened) await s.close();
        await f.dispose();
      }
    };
    const open = async (f: Fixture, opened: ActionStore[]) => {
      const store = await f.open();
      opened.push(store);
      return slackOf(store);
    };

    it("answers a saved message once; a save replaces it; unknown ids answer nothing", () =>
      withStores(async (f, opened) => {
        const messages = await open(f, opened);
        await messages.save("act_1", entry("1.000100"));
        await messages.save("act_1", entry("1.000200"));
        await messages.save("act_2", entry("2.000100"));
        expect(await messages.take("act_1")).toEqual(entry("1.000200"));
        expect(await messages.take("act_1")).toBeUndefined();
        expect(await messages.take("act_missing")).toBeUndefined();
        expect(await messages.take("act_\u0000evil")).toBeUndefined();
        expect(await messages.take("act_2")).toEqual(entry("2.000100"));
      }));

    it("gives a message to exactly one of many concurrent takers, across two instances", () =>
      withStores(async (f, opened) => {
        const a = await open(f, opened);
        const b = f.durable ? await open(f, opened) : a;
        for (let i = 0; i < 5; i++) await a.save(`act_${i}`, entry(`${i}.000100`));
        const takes = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            Array.from({ length: 6 }, (_, j) => (j % 2 ? a : b).take(`act_${i}`)),
          ).flat(),
        );
        const got = takes.filter((t) => t !== undefined).map((t) => t.ts);
        expect(got.sort()).toEqual(["0.000100", "1.000100", "2.000100", "3.000100", "4.000100"]);
      }));

    it("purges only the entries past their expiry", () =>
      withStores(async (f, opened) => {
        const messages = await open(f, opened);
        await messages.save("act_old", entry("1.000100", T0 - 1));
        await messages.save("act_now", entry("2.000100", T0));
        await messages.save("act_new", entry("3.000100", T0 + 1));
        expect(await messages.purgeExpired(T0)).toBe(1);
        expect(await messages.take("act_old")).toBeUndefined();
        expect(await messages.take("act_now")).toEqual(entry("2.000100", T0));
        expect(await messages.take("act_new")).toEqual(entry("3.000100", T0 + 1));
        expect(await messages.purgeExpired(T0 + 10)).toBe(0);
      }));

    // The memory store lives as long as its process: nothing to reopen.
    if (name !== "memory")
      it("keeps entries when the store is closed and opened again", () =>
        withStores(async (f, opened) => {
          const first = await f.open();
          await slackOf(first).save("act_1", entry("1.000100"));
          await first.close();
          const again = await open(f, opened);
          expect(await again.take("act_1")).toEqual(entry("1.000100"));
        }));
  });
}

runSlackMessageContract("memory", async () => {
  const store = createMemoryStore();
  return { open: async () => store, durable: false, dispose: async () => {} };
});

runSlackMessageContract("sqlite", async () => {
  const path = tempDbPath();
  return {
    async open() {
      const store = createSqliteStore({ path });
      await store.init();
      return store;
    },
    durable: true,
    dispose: async () => {},
  };
});

describe.runIf(PG_TEST_URL)("PostgreSQL", () => {
  runSlackMessageContract("postgres", async () => {
    const db = await createTestDatabase();
    return {
      async open() {
        const store = createPostgresStore({ connectionString: db.url });
        await store.init();
        return store;
      },
      durable: true,
      dispose: () => db.drop(),
    };
  });
});
