/**
 * @module test/callback-helpers
 * Network pieces of the callback tests: a server on 127.0.0.1 port 0 closed by the test's
 * cleanup, a pass-through front, a callback receiver whose listener is attached later, and
 * the financial agent's channel receiving callbacks there (its `/decisions` poll asleep for
 * an hour, so only a callback delivers unless the test moves its clock).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { HumanActionHandler, type HumanInTheLoopChannelOptions } from "@safeguards/core";
import { agentChannel } from "./e2e-helpers.js";
import { SECRET } from "./helpers.js";

/** Where a test puts what to run after it (an array, or `{ push: deferCleanup() }`). */
export type Cleanup = { push(fn: () => unknown): unknown };

/** Listens on 127.0.0.1 port 0; pushes the close (dropping connections) onto `cleanup`. */
export async function listenLocal(server: Server, cleanup: Cleanup): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** Forwards `req` unchanged to the same path on `target`'s host (a pass-through front). */
export function forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      headers: req.headers,
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  req.pipe(upstream);
}

/** A callback receiver at `url` (under `origin`, for `callbackUrls`); `tap` sees each request. */
export async function callbackReceiver(cleanup: Cleanup, tap?: (req: IncomingMessage) => void) {
  let listener: RequestListener | undefined;
  const port = await listenLocal(
    createServer((req, res) => {
      tap?.(req);
      if (listener) listener(req, res);
      else res.writeHead(503).end();
    }),
    cleanup,
  );
  const origin = `http://127.0.0.1:${port}/`;
  return {
    url: `${origin}cb`,
    origin,
    attach: (next: RequestListener) => {
      listener = next;
    },
  };
}

/** The financial agent's channel (inbox at `url`) with its callbacks at `receiver`, and a handler. */
export async function callbackChannel(
  url: string,
  receiver: { url: string; attach: (listener: RequestListener) => void },
  cleanup: Cleanup,
  options: { secret?: string; channel?: HumanInTheLoopChannelOptions } = {},
) {
  const channel = await agentChannel(
    url,
    {
      signingSecret: options.secret ?? SECRET,
      callbackUrl: receiver.url,
      longPoll: false,
      pollInterval: 3600,
    },
    options.channel,
  );
  const handler = new HumanActionHandler(channel);
  cleanup.push(() => channel.shutdown());
  cleanup.push(() => handler.shutdown());
  receiver.attach(channel.createCallbackHandler());
  return { channel, handler };
}
