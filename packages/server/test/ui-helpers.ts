/**
 * @module test/ui-helpers
 * Fixtures of the reviewer-side tests: an inbox with reviewer accounts (alice sees all,
 * bob only the other agent, carol only the tool `delete_customer`), a tiny browser-like
 * HTTP client with a cookie jar, and a reader of the web inbox's live events.
 */

import { AGENT_B, REVIEWER_TOKEN, startTestInbox, type TestInbox } from "@safeguards/test-support";
import bcrypt from "bcryptjs";
import type { ReviewerAccount } from "../src/auth/reviewer-account.js";
import type { ReviewersOptions } from "../src/create-reviewers.js";
import type { InboxOptions } from "../src/index.js";

export const UI_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
export const PASSWORDS = { alice: "alice-pw-1", bob: "bob-pw-22", carol: "carol-pw-333" };
export const ALICE_API_TOKEN = "alice-account-token-0123";
export const BOB_API_TOKEN = "bob-account-token-456789";
const hash = (pw: string) => bcrypt.hashSync(pw, 4);

/** The test accounts. */
export function testAccounts(): ReviewerAccount[] {
  return [
    {
      name: "alice",
      passwordHash: hash(PASSWORDS.alice),
      token: ALICE_API_TOKEN,
      email: "alice@example.test",
      slackUserId: "UALICE",
      agents: "*",
    },
    {
      name: "bob",
      passwordHash: hash(PASSWORDS.bob),
      token: BOB_API_TOKEN,
      email: "bob@example.test",
      slackUserId: "UBOB",
      agents: [AGENT_B],
    },
    { name: "carol", passwordHash: hash(PASSWORDS.carol), tools: ["delete_customer"] },
  ];
}

/** An inbox with reviewer accounts on 127.0.0.1:0; `root` is the origin (no `/api`). */
export function startReviewerInbox(
  reviewers: Partial<ReviewersOptions> = {},
  overrides: Partial<InboxOptions> = {},
  port = 0,
): Promise<TestInbox> {
  return startTestInbox(
    {
      reviewerTokens: { [REVIEWER_TOKEN]: "alice-token-only" },
      onWarning: () => {}, // the test accounts use bcrypt cost 4
      reviewers: { accounts: testAccounts(), secret: UI_SECRET, ...reviewers },
      ...overrides,
    },
    port,
  );
}

/** A cookie-keeping client (no redirects followed). */
export class Browser {
  cookies = new Map<string, string>();
  /** `extra` headers go with every request (e.g. what a proxy adds). */
  constructor(
    readonly root: string,
    readonly extra: Record<string, string> = {},
  ) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.extra)) headers.set(k, v);
    if (this.cookies.size)
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(this.root + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** A browser on another root (e.g. another inbox instance) with a copy of these cookies. */
  at(root: string): Browser {
    const browser = new Browser(root, this.extra);
    browser.cookies = new Map(this.cookies);
    return browser;
  }

  /** Posts a form (urlencoded). */
  form(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Signs in through the login form; answers the sign-in response. */
  async signIn(name: string, password: string): Promise<Response> {
    const page = await (await this.fetch("/login")).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    return this.form("/login", { _csrf: csrf, next: "/inbox", name, password });
  }

  /** The CSRF token of the signed-in session (from a page's meta tag). */
  async csrf(): Promise<string> {
    const page = await (await this.fetch("/inbox")).text();
    return /name="csrf-token" content="([^"]*)"/.exec(page)?.[1] ?? "";
  }

  /** Posts a JSON decision through the web UI's endpoint. */
  async decide(id: string, body: unknown, csrf?: string): Promise<Response> {
    return this.fetch(`/review/${encodeURIComponent(id)}/decision`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(csrf ? { "x-csrf-token": csrf } : {}) },
      body: JSON.stringify(body),
    });
  }
}

/** A change event of the web inbox's live stream (`/ui/events`). */
export interface LiveChange {
  id?: string;
  status?: string;
  resync?: boolean;
}

/**
 * Opens `/ui/events` as `b` and reads its `change` events one by one, as a page's
 * EventSource does; `next` fails after `ms` without one.
 */
export async function openLiveEvents(b: Browser) {
  const res = await b.fetch("/ui/events");
  if (!res.headers.get("content-type")?.includes("text/event-stream"))
    throw new Error(`/ui/events answered ${res.status} ${res.headers.get("content-type")}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let buffer = "";
  return {
    async next(ms = 10_000): Promise<LiveChange> {
      const timeout = AbortSignal.timeout(ms);
      for (;;) {
        if (timeout.aborted) throw new Error(`no change event within ${ms} ms`);
        const match = /event: change\ndata: (.*)\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice((match.index ?? 0) + match[0].length);
          return JSON.parse(match[1] as string);
        }
        const { value, done } = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            timeout.addEventListener("abort", () =>
              reject(new Error(`no change event within ${ms} ms`)),
            ),
          ),
        ]);
        if (done) throw new Error("stream ended");
        buffer += new TextDecoder().decode(value);
      }
    },
    close: () => reader.cancel(),
  };
}
