/**
 * @module http/verify-signature
 * Optional Standard Webhooks signatures on agent requests (PROTOCOL.md: "optionally Standard
 * Webhooks signature headers over the body"): when `webhook-signature` is present it must
 * verify with the calling agent's secret (its own one, or the inbox's `signingSecret`) and a
 * fresh timestamp (5 minutes), else 401.
 */
import { Webhook } from "standardwebhooks";
import { InboxError } from "../inbox/inbox-error.js";

/** Builds the verifier used by `POST /request-approval`; `secretFor` gives an agent's secret. */
export function createSignatureVerifier(
  secretFor: (agentId: string) => string,
): (raw: string, header: (name: string) => string | undefined, agentId: string) => void {
  return (raw, header, agentId) => {
    const signature = header("webhook-signature");
    if (signature === undefined) return;
    try {
      new Webhook(secretFor(agentId)).verify(raw, {
        "webhook-id": header("webhook-id") ?? "",
        "webhook-timestamp": header("webhook-timestamp") ?? "",
        "webhook-signature": signature,
      });
    } catch {
      throw new InboxError(
        "unauthorized",
        "The webhook-signature does not verify (wrong secret, altered body or stale timestamp)",
      );
    }
  };
}
