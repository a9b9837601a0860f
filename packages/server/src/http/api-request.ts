/**
 * @module http/api-request
 * What an API endpoint reads from a request and answers, whichever server delivered it:
 * Hono (the web-standard `fetch` handler, used when the inbox is mounted elsewhere) or the
 * inbox's own `node:http` listener (`node-listener.ts`), which serves the two busiest routes
 * without building web `Request`/`Response` objects. An endpoint written against
 * {@link ApiRequest} answers exactly the same through both.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";

/** A request as the API endpoints see it. */
export interface ApiRequest {
  /** Absolute URL of the request (the origin is used for `review_url`). */
  readonly url: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** A path parameter (e.g. `id`). */
  param(name: string): string | undefined;
  /** The body, at most `protocol.MAX_BODY_BYTES` (413 `payload_too_large` beyond). */
  bytes(): Promise<Uint8Array>;
  /** The web `Request`, for a user's own `authenticate` (built on demand). */
  request(): Request;
}

/** An endpoint's answer: a status and a JSON body. */
export interface ApiResult {
  status: 200 | 201;
  body: unknown;
}

/** An API endpoint, independent of the server that delivers its requests. */
export type ApiEndpoint = (request: ApiRequest) => Promise<ApiResult>;

/** The 413 refusal of a body over the limit. */
export const payloadTooLarge = () =>
  new InboxError("payload_too_large", `The body is larger than ${protocol.MAX_BODY_BYTES} bytes`, {
    limit: protocol.MAX_BODY_BYTES,
  });

/** Whether a declared `Content-Length` is a plain number. */
const isSizedBody = (declared: string | undefined): declared is string =>
  declared !== undefined && /^\d+$/.test(declared);

/** The {@link ApiRequest} of a Hono context. */
export function honoApiRequest(c: Context): ApiRequest {
  return {
    url: c.req.url,
    header: (name) => c.req.header(name),
    param: (name) => c.req.param(name),
    bytes: () => readHonoBody(c.req.raw, isSizedBody(c.req.header("content-length"))),
    request: () => c.req.raw,
  };
}

/** Serves `endpoint` as a Hono route. */
export function honoRoute(endpoint: ApiEndpoint) {
  return async (c: Context): Promise<Response> => {
    const { status, body } = await endpoint(honoApiRequest(c));
    return c.json(body, status);
  };
}

/**
 * With a valid `Content-Length` (already checked against the limit by `readJson`) the HTTP
 * layer delivers exactly that many bytes, so `arrayBuffer()` is bounded; it is also the fast
 * path of @hono/node-server (no web stream is built). Without one (chunked), the stream is
 * read with a running limit.
 */
async function readHonoBody(request: Request, sized: boolean): Promise<Uint8Array> {
  if (sized) {
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
