/**
 * @module http/node-listener
 * The request listener of the inbox's own `node:http` server (`inbox.listen()`). The two
 * busiest API routes, an agent filing a request and a reviewer deciding, are answered
 * straight from node's request and response by the same endpoint functions the Hono app
 * runs (`api-request.ts`), without building web `Request`/`Response` objects or a Hono
 * context (about 15% of the inbox's CPU per request). Every other request goes to the Hono
 * app through @hono/node-server, and so does any request to those two routes that is out
 * of the ordinary (a query string, an id that would need decoding, a Host header that
 * @hono/node-server would normalise), so both paths see the same URL, headers and body and
 * answer the same status and JSON. `inbox.fetch` (mounting) always uses the Hono app.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { protocol } from "@safeguards/core";
import type { Hono } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { type ApiEndpoint, type ApiRequest, payloadTooLarge } from "./api-request.js";
import type { HttpContext } from "./context.js";
import { decide } from "./decide.js";
import { ERROR_CONTENT_TYPE, errorResult } from "./errors.js";
import { requestApproval } from "./request-approval.js";

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /** Path prefix of the inbox, e.g. `/inbox`; `""` for the root. */
  basePath: string;
  /** Host name for requests without a Host header (as @hono/node-server uses it). */
  hostname: string;
  /** Receives unexpected errors (answered as 500). */
  onError: (error: unknown) => void;
}

// Host headers that @hono/node-server puts into the URL as they are (it normalises others).
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
// Ids that need no percent-decoding (the protocol's id format), except the dot segments "."
// and "..", which @hono/node-server resolves as a path would be.
const PLAIN_ID = /^(?!\.{1,2}$)[A-Za-z0-9_.:-]{1,128}$/;
const DECISION_SUFFIX = "/decision";

/** Builds the listener: hot API routes served directly, the rest by `app`. */
export function createNodeListener(
  ctx: HttpContext,
  app: Hono,
  options: NodeListenerOptions,
): RequestListener {
  const viaHono = getRequestListener(app.fetch, { hostname: options.hostname });
  const fileRoute = `${options.basePath}/api/request-approval`;
  const actionsPrefix = `${options.basePath}/api/actions/`;
  const file = requestApproval(ctx);
  const decideOne = decide(ctx);
  const serve = (
    endpoint: ApiEndpoint,
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    id?: string,
  ) => answer(endpoint, nodeApiRequest(req, host, id), res, options.onError);

  return (req, res) => {
    const path = req.url ?? "";
    const host = req.headers.host ?? options.hostname;
    if (req.method === "POST" && PLAIN_HOST.test(host)) {
      if (path === fileRoute) return void serve(file, req, res, host);
      if (path.startsWith(actionsPrefix) && path.endsWith(DECISION_SUFFIX)) {
        const id = path.slice(actionsPrefix.length, -DECISION_SUFFIX.length);
        if (PLAIN_ID.test(id)) return void serve(decideOne, req, res, host, id);
      }
    }
    void viaHono(req, res);
  };
}

async function answer(
  endpoint: ApiEndpoint,
  request: ApiRequest,
  res: ServerResponse,
  onError: (error: unknown) => void,
): Promise<void> {
  let status: number;
  let body: unknown;
  let type = "application/json";
  try {
    ({ status, body } = await endpoint(request));
  } catch (error) {
    ({ status, body } = errorResult(error, onError));
    type = ERROR_CONTENT_TYPE;
  }
  try {
    const json = JSON.stringify(body);
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(json) });
    res.end(json);
  } catch (error) {
    // Nothing sensible can be sent any more (e.g. the socket is gone): report, never crash.
    onError(error);
    res.destroy();
  }
}

/** The {@link ApiRequest} of a node request (headers read as web `Headers` would join them). */
function nodeApiRequest(req: IncomingMessage, host: string, id: string | undefined): ApiRequest {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  let joined: Map<string, string> | undefined;
  const headers = () => {
    joined ??= joinHeaders(req.rawHeaders);
    return joined;
  };
  const url = `${scheme}://${host}${req.url}`;
  return {
    url,
    header: (name) => headers().get(name),
    param: (name) => (name === "id" ? id : undefined),
    bytes: () => readNodeBody(req),
    request: () => {
      const init = new Headers();
      for (const [name, value] of headers()) init.set(name, value);
      return new Request(url, { method: req.method ?? "POST", headers: init });
    },
  };
}

/** Lower-case name -> value, duplicates joined with ", " (as `Headers.get` answers). */
function joinHeaders(raw: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const before = map.get(name);
    map.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return map;
}

const bodyCutOff = () =>
  new InboxError("invalid_request", "The request body was not received completely");

/**
 * Reads the body with a running limit of `protocol.MAX_BODY_BYTES`; past it the rest is
 * dropped (node discards what is left once the answer is sent).
 */
function readNodeBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: () => InboxError) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      if (error) reject(error());
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > protocol.MAX_BODY_BYTES) settle(payloadTooLarge);
      else chunks.push(chunk);
    };
    const cutOff = () => settle(bodyCutOff);
    req.on("data", onData);
    req.once("end", () => settle());
    req.once("error", cutOff);
    req.once("close", cutOff); // after "end" this does nothing
  });
}
