/**
 * @module http/verify-signature
 * Optional Standard Webhooks signatures on agent requests (PROTOCOL.md: "optionally Standard
 * Webhooks signature headers over the body"): when `webhook-signature` is present it must
 * verify with the inbox's secret and a fresh timestamp (5 minutes), else 401.
 */
import { Webhook } from "standardwebhooks";
import { InboxError } from "../inbox/inbox-error.js";

/** Builds the verifier used by `POST /request-approval`. */
export function createSignatureVerifier(secret: string): (raw: string, headers: Headers) => void {
  const webhook = new Webhook(secret);
  return (raw, headers) => {
    if (!headers.has("webhook-signature")) return;
    try {
      webhook.verify(raw, {
        "webhook-id": headers.get("webhook-id") ?? "",
        "webhook-timestamp": headers.get("webhook-timestamp") ?? "",
        "webhook-signature": headers.get("webhook-signature") ?? "",
      });
    } catch {
      throw new InboxError(
        "unauthorized",
        "The webhook-signature does not verify (wrong secret, altered body or stale timestamp)",
      );
    }
  };
}
