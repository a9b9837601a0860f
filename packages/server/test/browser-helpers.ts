/**
 * @module test/browser-helpers
 * Debian's Chromium through playwright-core for the browser tests. Without
 * `/usr/bin/chromium` the browser tests are skipped locally, but run (and fail) in CI.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** Whether the browser tests run here (always in CI). */
export const runBrowserTests = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** Launches headless Chromium with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Records anything that would mean a script ran or was blocked: dialogs, CSP violations, page errors. */
export function watchForScripts(page: Page): string[] {
  const incidents: string[] = [];
  page.on("dialog", (dialog) => {
    incidents.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => incidents.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      incidents.push(`console: ${message.text()}`);
  });
  return incidents;
}

/** Signs in through the form. */
export async function signInPage(page: Page, root: string, name: string, password: string) {
  await page.goto(`${root}/login`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${root}/inbox`), page.click('button[type="submit"]')]);
}
