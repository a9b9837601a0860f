/**
 * @module http/read-body
 * Reads a request body with the protocol's size limit (`protocol.MAX_BODY_BYTES`, 413
 * `payload_too_large` beyond it), whether it is sized (`Content-Length`) or chunked.
 */
import { protocol } from "@safeguards/core";
import { InboxError } from "../inbox/inbox-error.js";

/** The 413 refusal of a body over the limit. */
export const payloadTooLarge = () =>
  new InboxError("payload_too_large", `The body is larger than ${protocol.MAX_BODY_BYTES} bytes`, {
    limit: protocol.MAX_BODY_BYTES,
  });

/**
 * The body's bytes. With a valid `Content-Length` (checked against the limit first) the
 * HTTP layer delivers exactly that many bytes, so `arrayBuffer()` is bounded; it is also the
 * fast path of @hono/node-server (no web stream is built). Without one (chunked), the stream
 * is read with a running limit and cancelled past it.
 */
export async function readBody(request: Request): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > protocol.MAX_BODY_BYTES) throw payloadTooLarge();
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > protocol.MAX_BODY_BYTES) throw payloadTooLarge();
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
    if (size > protocol.MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
