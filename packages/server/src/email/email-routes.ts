/**
 * @module email/email-routes
 * `GET /email/:token` shows what the link would do and a confirm button (it never
 * decides); `POST /email/:token` decides once, as the reviewer the link was made for.
 * Reused, expired and forged links are refused, and so are links of a reviewer who no
 * longer has an account (the rights are always those of the current account). A link is
 * spent by the decision it records: marked used before deciding (so two concurrent uses,
 * on any instances, decide once) and released when nothing was recorded (a refusal, or the
 * store failing), so the reviewer can press it again.
 */
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import { InboxError } from "../inbox/inbox-error.js";
import { argsTable, severityBadge } from "../ui/action-view.js";
import { html } from "../ui/html.js";
import { messagePage } from "../ui/login-page.js";
import { approvalProgress, approvedBy, waitingText } from "../ui/quorum-view.js";
import { readForm } from "../ui/read-form.js";
import { setSecurityHeaders } from "../ui/security-headers.js";
import type { EmailTokenPayload, EmailTokens } from "./email-tokens.js";

const REFUSALS = {
  invalid: [400, "This link is not valid", "The link is damaged or was not made by this inbox."],
  expired: [410, "This link has expired", "Open the inbox to review the action instead."],
  used: [410, "This link was already used", "Each email link works once."],
  revoked: [
    403,
    "This link is no longer valid",
    "The reviewer it was made for has no account in this inbox.",
  ],
} as const;

/** Mounts the email link routes. */
export function mountEmailRoutes(
  app: Hono,
  deps: {
    base: string;
    gate: ReviewerGate;
    directory: ReviewerDirectory;
    tokens: EmailTokens;
    onError: (error: unknown) => void;
  },
): void {
  const ctx = { base: deps.base };
  const path = `${deps.base}/email/:token`;
  const refuse = (c: Context, reason: keyof typeof REFUSALS) => {
    const [status, title, text] = REFUSALS[reason];
    return c.html(messagePage(ctx, title, text), status);
  };
  /** The link's payload, or the refusal of a bad link or of a reviewer without an account. */
  const checked = async (c: Context) => {
    const check = await deps.tokens.check(c.req.param("token") ?? "");
    if (!check.ok) return { refused: refuse(c, check.reason) };
    if (!deps.directory.get(check.payload.r)) return { refused: refuse(c, "revoked") };
    return { payload: check.payload };
  };
  /** Makes a link whose decision was not recorded usable again; `false` if that failed. */
  const released = async (payload: EmailTokenPayload) => {
    try {
      await deps.tokens.release(payload);
      return true;
    } catch (error) {
      deps.onError(error);
      return false;
    }
  };
  const refusal = (c: Context, error: unknown) => {
    if (!(error instanceof InboxError)) throw error;
    const status = error.status as 403 | 404 | 409 | 422;
    return c.html(messagePage(ctx, "Nothing was decided", error.message), status);
  };

  app.get(path, async (c) => {
    setSecurityHeaders(c);
    const { refused, payload } = await checked(c);
    if (!payload) return refused;
    const { a: id, d: decision, r: reviewer } = payload;
    try {
      const { record } = await deps.gate.view(reviewer, id);
      if (record.status !== "pending") {
        return c.html(
          messagePage(ctx, "Already decided", `This action is already ${record.status}.`),
          409,
        );
      }
      if (decision === "approve" && approvedBy(record, reviewer)) {
        return c.html(
          messagePage(ctx, "Already approved", `You approved this action; ${waitingText(record)}.`),
          409,
        );
      }
      const verb = decision === "approve" ? "Approve" : "Reject";
      const progress = approvalProgress(record);
      const body = html`<p>${severityBadge(record.severity)} agent <b>${record.agent_id}</b>${record.action ? html` · tool <code>${record.action.name}</code>` : ""}</p>
<h2 class="title">${record.title}</h2>
<pre class="description">${record.description}</pre>
${record.action ? argsTable(record.action.args, "Arguments") : ""}
${progress ? html`<p class="quorum">${progress}</p>` : ""}
<form method="post" class="confirm">
${decision === "reject" ? html`<label>Reason <textarea name="comments" maxlength="2000"></textarea></label>` : ""}
<button type="submit" class="${decision}" id="confirm">${verb} as ${reviewer}</button>
</form>`;
      return c.html(
        messagePage(ctx, `${verb} this action?`, "Nothing is decided until you confirm.", body),
      );
    } catch (error) {
      return refusal(c, error);
    }
  });

  // onError answers 413 itself: bodyLimit's own HTTPException would become a 500.
  const formLimit = bodyLimit({
    maxSize: 16 * 1024,
    onError: (c) => c.html(messagePage(ctx, "Nothing was decided", "The form is too large."), 413),
  });
  app.post(path, formLimit, async (c) => {
    setSecurityHeaders(c);
    const { refused, payload } = await checked(c);
    if (!payload) return refused;
    const form = await readForm(c);
    if (!form)
      return c.html(messagePage(ctx, "Nothing was decided", "The form could not be read."), 400);
    const comments = typeof form.comments === "string" ? form.comments.trim().slice(0, 2000) : "";
    const { a: id, d: decision, r: reviewer } = payload;
    let used = false;
    let spent = false;
    try {
      // The link is spent only once the reviewer's right to the action is checked.
      const body = {
        type: decision,
        comments: comments || `${decision === "approve" ? "Approved" : "Rejected"} by email`,
      };
      const action = await deps.gate.decide(reviewer, id, body, async () => {
        spent = await deps.tokens.consume(payload);
        used = !spent;
        if (used) throw new InboxError("conflict", "This link was already used");
      });
      const { record } = action;
      if (record.status === "pending") {
        // One approval of a quorum: counted, the action waits for the others.
        return c.html(
          messagePage(
            ctx,
            "Approval recorded",
            `${approvalProgress(record)}: action ${record.id} is ${waitingText(record)}.`,
          ),
        );
      }
      return c.html(
        messagePage(
          ctx,
          decision === "approve" ? "Approved" : "Rejected",
          `Action ${record.id} is now ${record.status}; the agent has been told.`,
        ),
      );
    } catch (error) {
      if (used) return refuse(c, "used");
      const usable = !spent || (await released(payload));
      if (error instanceof InboxError) return refusal(c, error);
      deps.onError(error);
      const retry = usable
        ? "The inbox could not record your decision; this link still works: try again in a moment."
        : "The inbox could not record your decision; open the inbox to decide instead.";
      return c.html(messagePage(ctx, "Nothing was decided", retry), 503);
    }
  });
}
