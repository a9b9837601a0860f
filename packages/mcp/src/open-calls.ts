/**
 * @module open-calls
 * The `tools/call`s a gateway is still answering, and how they end when the upstream or the
 * gateway closes: `signal` aborts with `Connection closed` (the error each open call is
 * answered with; a held call's action is withdrawn), and `close()` waits until they have
 * answered, so closing the sessions right after loses no answer.
 */
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

/** How long `close()` waits for open calls to send their answers (a shutdown bound, real time). */
const CLOSE_GRACE_MS = 2_000;

/** The open calls of one gateway. */
export class OpenCalls {
  readonly #closing = new AbortController();
  readonly #open = new Set<Promise<unknown>>();

  /** Aborted (reason: `Connection closed`) once the upstream or the gateway closes. */
  get signal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Keeps `call` until it settles; returns it. */
  track<T>(call: Promise<T>): Promise<T> {
    this.#open.add(call);
    const forget = () => this.#open.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Ends every open call with `Connection closed` (they answer at once). */
  abort(): void {
    this.#closing.abort(new McpError(ErrorCode.ConnectionClosed, "Connection closed"));
  }

  /** Aborts, then waits until every open call settled and its answer was handed on (a turn later). */
  async close(): Promise<void> {
    this.abort();
    if (this.#open.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.allSettled([...this.#open]), bound]);
    clearTimeout(timer);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
