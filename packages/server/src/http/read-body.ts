/**
 * @module http/read-body
 * Reads a request body with a size limit (the protocol's `protocol.MAX_BODY_BYTES` unless
 * told otherwise; 413 `payload_too_large` beyond it), whether it is sized (`Content-Length`)
 * or chunked: a chunked body is counted as it arrives and never buffered past the limit.
 */
import { protocol } from "@safeguards/core";
import { InboxError } from "../inbox/inbox-error.js";

/** The 413 refusal of a body over the limit. */
export const payloadTooLarge = (limit: number = protocol.MAX_BODY_BYTES) =>
  new InboxError("payload_too_large", `The body is larger than ${limit} bytes`, { limit });

/**
 * The body's bytes. With a valid `Content-Length` (checked against the limit first) the
 * HTTP layer delivers exactly that many bytes, so `arrayBuffer()` is bounded; it is also the
 * fast path of @hono/node-server (no web stream is built). Without one (chunked), the stream
 * is read with a running limit and cancelled past it. `maxBytes` defaults to the protocol's.
 */
export async function readBody(
  request: Request,
  maxBytes: number = protocol.MAX_BODY_BYTES,
): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw payloadTooLarge(maxBytes);
    return bytes;
  }
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
