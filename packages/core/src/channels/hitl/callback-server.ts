/**
 * @module hitl/callback-server
 * Runs a request listener (the callback receiver) on its own `node:http` server.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A callback receiver started by `HumanInTheLoopChannel.listenForCallbacks`. */
export interface CallbackServer {
  /** `http://host:port` of the receiver. */
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one) and answers the running server. */
export async function startCallbackServer(
  listener: RequestListener,
  options: { port?: number; host?: string },
): Promise<{ server: Server; info: CallbackServer }> {
  const server = createServer(listener);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    info: {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      close: () => closeServer(server),
    },
  };
}

/** Closes `server`, dropping its open connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
