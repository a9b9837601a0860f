/**
 * `/slack/interactions` reads its body with a running limit (issue 13, finding 6): an
 * unsigned chunked body far over 64 KiB is refused with 413 while the client is still
 * sending, instead of being buffered whole before the size and signature checks.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { postChunkedUntilAnswered } from "./oversize-post.js";
import { startReviewerInbox } from "./ui-helpers.js";

/** The most the client sends before giving up (the old code read all of it). */
const SEND_AT_MOST = 16 * 1024 * 1024;

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("POST /slack/interactions body limit", () => {
  it("refuses an oversize chunked body with 413 before the client has sent it all", async () => {
    const started = await startReviewerInbox({
      publicUrl: "http://127.0.0.1:1",
      slack: { signingSecret: "slack-signing-secret-0123", webhookUrl: "http://127.0.0.1:1/hook" },
    });
    inbox = started.inbox;
    const { status, sentBeforeAnswer } = await postChunkedUntilAnswered(
      `${started.root}/slack/interactions`,
      { "content-type": "application/x-www-form-urlencoded" },
      SEND_AT_MOST,
    );
    expect(status).toBe(413);
    // Answered after about the 64 KiB limit, not after reading the whole 16 MiB.
    expect(sentBeforeAnswer).toBeLessThan(2 * 1024 * 1024);
    // The inbox still serves requests afterwards.
    expect((await fetch(`${started.root}/login`)).status).toBe(200);
  }, 30_000);
});
