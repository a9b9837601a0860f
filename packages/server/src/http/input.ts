/**
 * @module http/input
 * Reading request input: JSON bodies (size-limited, parsed, checked with a zod schema),
 * ids in paths and query parameters. Every problem becomes a 4xx {@link InboxError}.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import type { z } from "zod";
import { InboxError } from "../inbox/inbox-error.js";
import { readBody } from "./read-body.js";

/**
 * Parses the body as JSON and validates it with `schema`; 400/413/415 on bad input.
 * `checkRaw` sees the exact body text first (signature checks).
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  checkRaw?: (raw: string) => void,
): Promise<z.output<S>> {
  const type = c.req.header("content-type");
  // JSON is parsed whatever the type says, except for types that are clearly something else
  // (curl -d sends application/x-www-form-urlencoded by default).
  if (
    type !== undefined &&
    /^(multipart\/|image\/|audio\/|video\/|application\/(octet-stream|xml|pdf))/i.test(type.trim())
  ) {
    throw new InboxError("unsupported_media_type", "Send the body as application/json");
  }
  const bytes = await readBody(c.req.raw);
  let raw: string;
  try {
    raw = utf8.decode(bytes);
  } catch {
    throw new InboxError("invalid_request", "The body is not valid UTF-8");
  }
  checkRaw?.(raw);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InboxError("invalid_request", "The body is not valid JSON");
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InboxError("invalid_request", describe(result.error), {
      issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  return result.data;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request body";
  const where = issue.path.length ? issue.path.join(".") : "body";
  return `Invalid request body: ${where}: ${issue.message}`;
}

/** An action id from a path, checked against the protocol's id format (400 otherwise). */
export function actionId(id: string | undefined): string {
  const result = protocol.actionIdSchema.safeParse(id);
  if (!result.success) {
    throw new InboxError(
      "invalid_request",
      "Malformed action id: use 1-128 of A-Z a-z 0-9 _ . : -",
    );
  }
  return result.data;
}

/** `?wait=SECONDS` as milliseconds (0 when absent); 400 unless 0 <= wait <= 60. */
export function waitMs(c: Context): number {
  const raw = c.req.query("wait");
  if (raw === undefined || raw === "") return 0;
  const seconds = /^\d{1,3}(\.\d{1,3})?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= 0 && seconds <= protocol.MAX_WAIT_SECONDS)) {
    throw new InboxError(
      "invalid_request",
      `wait must be a number of seconds from 0 to ${protocol.MAX_WAIT_SECONDS}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** The signal that ends a long poll: the client went away or the inbox is closing. */
export function pollSignal(c: Context, shutdown: AbortSignal): AbortSignal {
  return AbortSignal.any([c.req.raw.signal, shutdown]);
}
