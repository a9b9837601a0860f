/**
 * Chromium on instance A of two CLI inbox processes sharing one PostgreSQL database: A's open
 * inbox page shows an action filed through B without a reload, and drops it when it is
 * decided through B.
 */
import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, runBrowserTests, signInPage, watchForScripts } from "./browser-helpers.js";
import { rootOf, startReviewerInstances } from "./cli-instances.js";
import { call, file, requestBody } from "./helpers.js";
import type { InboxProcess } from "./reliability/inbox-process.js";
import { ALICE_API_TOKEN, PASSWORDS } from "./ui-helpers.js";

describe.runIf(runBrowserTests && PG_TEST_URL)(
  "web inbox across CLI instances, in Chromium",
  {
    timeout: 60_000,
  },
  () => {
    let db: TestDatabase;
    let browser: Browser;
    let instances: InboxProcess[] = [];

    beforeAll(async () => {
      db = await createTestDatabase();
      [browser, instances] = await Promise.all([
        launchChromium(),
        startReviewerInstances(db.url, [false, false]),
      ]);
    }, 60_000);
    afterAll(async () => {
      for (const p of instances) expect(await p.stop()).toBe(0);
      await browser?.close();
      await db?.drop();
    });

    it("A's open inbox shows an action filed through B, live, and drops it when B decides", async () => {
      const [a, b] = instances as [InboxProcess, InboxProcess];
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const incidents = watchForScripts(page);
      await signInPage(page, rootOf(a), "alice", PASSWORDS.alice);
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 42; // lost if the page reloads
      });
      const body = requestBody();
      expect((await file(b.url, body)).status).toBe(201);
      const row = page.locator(`.row[data-id="${body.id}"]`);
      await row.waitFor();
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
      const decided = await call(b.url, `/actions/${body.id}/decision`, {
        token: ALICE_API_TOKEN,
        body: { type: "reject" },
      });
      expect(decided.status).toBe(200);
      await row.waitFor({ state: "detached" });
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
      expect(incidents).toEqual([]);
      await page.close();
    });
  },
);
