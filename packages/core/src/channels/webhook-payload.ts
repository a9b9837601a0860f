/**
 * @module webhook-payload
 * The JSON body `WebhookChannel` posts, and `verifyWebhook`, the receiver-side check of
 * its Standard Webhooks signature.
 */
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import type { JsonObject, JsonValue } from "../util/json.js";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const WebhookAlertPayloadSchema = z.object({
  type: z.literal("alert"),
  data: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    severity: z.enum(["INFO", "WARNING", "ERROR", "CRITICAL"]),
    timestamp: z.string(),
    agent_id: z.string().nullable(),
    metadata: z.record(z.string(), jsonValue),
  }),
});

/** The body of a `WebhookChannel` POST: `{ type: "alert", data: {...snake_case alert} }`. */
export type WebhookAlertPayload = z.infer<typeof WebhookAlertPayloadSchema>;

/** The webhook body for `alert` (metadata is passed through as given). */
export function toWebhookPayload(alert: SafetyAlert): WebhookAlertPayload {
  return {
    type: "alert",
    data: {
      id: alert.id,
      title: alert.title,
      description: alert.description,
      severity: alert.severity,
      timestamp: alert.timestamp.toISOString(),
      agent_id: alert.agentId ?? null,
      metadata: alert.metadata as JsonObject,
    },
  };
}

/** Request headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain record give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function pickHeaders(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    let value: string | string[] | null | undefined;
    if (headers instanceof Headers) value = headers.get(name);
    else {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") out[name] = first;
  }
  return out;
}

/**
 * Verifies a request sent by `WebhookChannel` (signature over the exact raw body, and a
 * timestamp within 5 minutes) and returns its parsed payload. Use `webhook-id` (the alert
 * id) to drop retried duplicates. Throws a {@link SafeguardsError} with code
 * `SAFEGUARDS_UNAUTHORIZED` for a bad signature, `SAFEGUARDS_PROTOCOL` for a bad body.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Buffer,
): WebhookAlertPayload {
  let parsed: unknown;
  try {
    parsed = new Webhook(secret).verify(rawBody, pickHeaders(headers));
  } catch (error) {
    throw new SafeguardsError(
      ErrorCode.UNAUTHORIZED,
      `Webhook signature verification failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const result = WebhookAlertPayloadSchema.safeParse(parsed);
  if (!result.success) {
    throw new SafeguardsError(
      ErrorCode.PROTOCOL,
      "Webhook body is not a Safeguards alert payload",
      {
        details: result.error.issues,
      },
    );
  }
  return result.data;
}
