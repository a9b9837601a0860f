/**
 * `/slack/interactions` reads its body with a running limit (issue 13, finding 6): an
 * unsigned chunked body far over 64 KiB is refused with 413 while the client is still
 * sending, instead of being buffered whole before the size and signature checks.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { startReviewerInbox } from "./ui-helpers.js";

const CHUNK = Buffer.alloc(64 * 1024, "a");
/** The most the client sends before giving up (the old code read all of it). */
const SEND_AT_MOST = 16 * 1024 * 1024;

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/**
 * POSTs a chunked body (no Content-Length) 64 KiB at a time until the server answers or
 * `SEND_AT_MOST` bytes went out; answers the status and how many bytes were sent first.
 */
function sendChunked(url: string): Promise<{ status: number; sentBeforeAnswer: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    req.on("response", (res) => {
      answered = true;
      resolve({ status: res.statusCode ?? 0, sentBeforeAnswer: sent });
      res.resume();
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = async () => {
      while (!answered && sent < SEND_AT_MOST) {
        if (!req.write(CHUNK)) await new Promise((r) => req.once("drain", r));
        sent += CHUNK.length;
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!answered) req.end();
    };
    pump().catch(reject);
  });
}

describe("POST /slack/interactions body limit", () => {
  it("refuses an oversize chunked body with 413 before the client has sent it all", async () => {
    const started = await startReviewerInbox({
      publicUrl: "http://127.0.0.1:1",
      slack: { signingSecret: "slack-signing-secret-0123", webhookUrl: "http://127.0.0.1:1/hook" },
    });
    inbox = started.inbox;
    const { status, sentBeforeAnswer } = await sendChunked(`${started.root}/slack/interactions`);
    expect(status).toBe(413);
    // Answered after about the 64 KiB limit, not after reading the whole 16 MiB.
    expect(sentBeforeAnswer).toBeLessThan(2 * 1024 * 1024);
    // The inbox still serves requests afterwards.
    expect((await fetch(`${started.root}/login`)).status).toBe(200);
  }, 30_000);
});
