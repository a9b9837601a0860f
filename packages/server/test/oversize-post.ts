/**
 * @module test/oversize-post
 * POSTs of bodies over a route's size limit whose answer does not depend on timing. The
 * inbox answers 413 before reading such a body, then drains what the client still sends for
 * a moment and closes the connection; a client that was still writing (fetch with a large
 * body on a busy machine) may see "other side closed" instead of the 413. These clients read
 * the answer whenever it comes and ignore the connection's end after it.
 */
import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from "node:http";

/** The answer to an oversize POST. */
export interface OversizeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs headers declaring a `Content-Length` of `length` bytes and sends no body: a route
 * that refuses by the declared size answers at once.
 */
export function postDeclaringSize(
  url: string,
  length: number,
  headers: OutgoingHttpHeaders = {},
): Promise<OversizeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(length) },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

/** What {@link postChunkedUntilAnswered} saw. */
export interface ChunkedAnswer {
  status: number;
  /** Bytes written before the answer came. */
  sentBeforeAnswer: number;
}

const CHUNK = Buffer.alloc(64 * 1024, "a");

/**
 * POSTs a chunked body (no `Content-Length`) 64 KiB at a time until the server answers or
 * `sendAtMost` bytes went out (then ends the body); an error after the answer is ignored.
 */
export function postChunkedUntilAnswered(
  url: string,
  headers: OutgoingHttpHeaders,
  sendAtMost: number,
): Promise<ChunkedAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, { method: "POST", headers });
    req.on("response", (res) => {
      answered = true;
      resolve({ status: res.statusCode ?? 0, sentBeforeAnswer: sent });
      res.resume();
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = async () => {
      while (!answered && sent < sendAtMost) {
        if (!req.write(CHUNK)) await new Promise((r) => req.once("drain", r));
        sent += CHUNK.length;
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!answered) req.end();
    };
    pump().catch(reject);
  });
}
