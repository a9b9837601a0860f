/**
 * @module util/close-server
 * Closes a node HTTP server gracefully: stop accepting, close idle keep-alive sockets, and
 * force the rest closed after a grace period.
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
    const force = setTimeout(() => http.closeAllConnections?.(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    http.closeIdleConnections?.();
  });
}
