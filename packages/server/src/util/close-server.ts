/**
 * @module util/close-server
 * Closes a node HTTP server gracefully: stop accepting, keep closing keep-alive sockets as
 * soon as they turn idle (answers released at shutdown finish first), and force the rest
 * closed after a grace period.
 */
import type { Server } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";

/** Closes `server`, waiting at most `graceMs` for open requests. */
export function closeServer(
  server: Server | Http2Server | Http2SecureServer,
  graceMs = 5000,
): Promise<void> {
  const http = server as Server;
  return new Promise((resolve) => {
    const idle = setInterval(() => http.closeIdleConnections?.(), 20);
    const force = setTimeout(() => http.closeAllConnections?.(), graceMs);
    idle.unref();
    force.unref();
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    http.closeIdleConnections?.();
  });
}
