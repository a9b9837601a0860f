/**
 * @module webhook-receiver
 * A local receiver for `WebhookChannel` on 127.0.0.1: verifies each request with
 * {@link verifyWebhook}, keeps the first delivery per `webhook-id`, and can be scripted to
 * fail (5xx, hang, drop) for retry tests.
 */
import { verifyWebhook, type WebhookAlertPayload } from "../channels/webhook-payload.js";
import {
  type HttpTestServer,
  type RecordedRequest,
  startHttpTestServer,
} from "./http-test-server.js";

/** One verified delivery. */
export interface WebhookDelivery {
  id: string;
  payload: WebhookAlertPayload;
  request: RecordedRequest;
}

/** A running receiver. */
export interface WebhookReceiver extends HttpTestServer {
  /** URL to configure as `webhookUrl`. */
  webhookUrl: string;
  /** Verified deliveries, one per webhook-id. */
  deliveries: WebhookDelivery[];
  /** Requests refused (bad signature or body), with the reason. */
  refused: { request: RecordedRequest; reason: string }[];
  /** Number of verified requests that repeated an already delivered webhook-id. */
  duplicateCount(): number;
}

/** Starts a receiver that verifies with `secret` (a `whsec_...` secret). */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const refused: WebhookReceiver["refused"] = [];
  let duplicates = 0;
  const server = await startHttpTestServer((req) => {
    try {
      const payload = verifyWebhook(secret, req.headers, req.body);
      const id = String(req.headers["webhook-id"]);
      if (deliveries.some((d) => d.id === id)) duplicates++;
      else deliveries.push({ id, payload, request: req });
      return { status: 204, body: "" };
    } catch (error) {
      refused.push({
        request: req,
        reason: error instanceof Error ? error.message : String(error),
      });
      return { status: 401, body: "invalid signature" };
    }
  });
  return Object.assign(server, {
    webhookUrl: `${server.url}/hooks/safeguards`,
    deliveries,
    refused,
    duplicateCount: () => duplicates,
  });
}
