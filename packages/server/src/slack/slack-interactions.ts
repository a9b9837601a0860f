/**
 * @module slack/slack-interactions
 * `POST /slack/interactions`: Slack's interactivity request URL. The body is read with a
 * running limit (a sized or chunked body over 64 KiB gets 413 without being buffered), then
 * signature and timestamp are verified on the raw body before anything is parsed; the answer (200) is sent at once
 * and the decision is made afterwards, then reported through the payload's `response_url`.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { Hono } from "hono";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import { readBody } from "../http/read-body.js";
import { InboxError } from "../inbox/inbox-error.js";
import { approvalProgress, waitingText } from "../ui/quorum-view.js";
import type { SlackApi } from "./slack-api.js";
import { outcomeMessage, requestMessage, SLACK_ACTION } from "./slack-message.js";
import { verifySlackSignature } from "./slack-signature.js";

/** Largest interaction body accepted (bytes). */
const MAX_BODY = 64 * 1024;

interface BlockActionsPayload {
  type?: string;
  user?: { id?: string };
  response_url?: string;
  actions?: Array<{ action_id?: string; value?: string }>;
}

/** Mounts the interactivity endpoint. */
export function mountSlackInteractions(
  app: Hono,
  deps: {
    base: string;
    signingSecret: string;
    gate: ReviewerGate;
    directory: ReviewerDirectory;
    clock: Clock;
    api: SlackApi;
    /** Claims the action's message before deciding (see `slack-updates.ts`); answers the release. */
    claim: (actionId: string) => Promise<() => Promise<void>>;
    track: (work: Promise<unknown>) => void;
    /** The web inbox's review page of an action (the message's "Review / modify" link). */
    reviewUrl: (id: string) => string;
  },
): void {
  const handle = async (payload: BlockActionsPayload) => {
    const act = payload.actions?.[0];
    const type =
      act?.action_id === SLACK_ACTION.APPROVE
        ? "approve"
        : act?.action_id === SLACK_ACTION.REJECT
          ? "reject"
          : undefined;
    const responseUrl = payload.response_url;
    if (!type || !act?.value || !responseUrl) return; // e.g. the Review link button
    const tell = (text: string) =>
      deps.api.postTo(responseUrl, { response_type: "ephemeral", replace_original: false, text });
    const reviewer = payload.user?.id ? deps.directory.bySlackUserId(payload.user.id) : undefined;
    if (!reviewer) {
      await tell("You are not a reviewer of this inbox; nothing was decided.");
      return;
    }
    const id = act.value;
    // This response_url replaces the message: no instance is to chat.update it.
    const release = await deps.claim(id);
    let action: { record: protocol.ActionRecord };
    try {
      action = await deps.gate.decide(reviewer.name, id, {
        type,
        comments: `${type === "approve" ? "Approved" : "Rejected"} in Slack`,
      });
    } catch (error) {
      const settled =
        error instanceof InboxError &&
        (error.wireCode === "already_decided" || error.wireCode === "expired");
      if (!settled) await release();
      if (!(error instanceof InboxError)) throw error;
      await tell(`Nothing was decided: ${error.message}`);
      if (settled) {
        const current = await deps.gate.view(reviewer.name, id).catch(() => undefined);
        if (current)
          await deps.api.postTo(responseUrl, {
            replace_original: true,
            ...outcomeMessage(current.record),
          });
      }
      return;
    }
    const { record } = action;
    if (record.status === "pending") {
      // One approval of a quorum: the message keeps its buttons and shows the count.
      await tell(`Your approval is recorded: ${approvalProgress(record)}; ${waitingText(record)}.`);
      await deps.api.postTo(responseUrl, {
        replace_original: true,
        ...requestMessage(record, deps.reviewUrl(id)),
      });
      // The message stays (with its buttons): later approvals, escalations and the outcome
      // update it, so its claim is given back.
      await release();
      return;
    }
    await deps.api.postTo(responseUrl, { replace_original: true, ...outcomeMessage(record) });
  };

  app.post(`${deps.base}/slack/interactions`, async (c) => {
    let raw: string;
    try {
      raw = new TextDecoder().decode(await readBody(c.req.raw, MAX_BODY));
    } catch (error) {
      if (error instanceof InboxError && error.wireCode === "payload_too_large")
        return c.text("Payload too large", 413);
      throw error;
    }
    const ok = verifySlackSignature({
      signingSecret: deps.signingSecret,
      timestamp: c.req.header("x-slack-request-timestamp"),
      signature: c.req.header("x-slack-signature"),
      body: raw,
      nowSeconds: Math.floor(deps.clock.now() / 1000),
    });
    if (!ok) return c.text("Invalid or stale Slack signature", 401);
    let payload: BlockActionsPayload;
    try {
      payload = JSON.parse(new URLSearchParams(raw).get("payload") ?? "") as BlockActionsPayload;
    } catch {
      return c.text("Expected a form field named payload holding JSON", 400);
    }
    if (payload?.type === "block_actions") deps.track(handle(payload));
    return c.body(null, 200);
  });
}
