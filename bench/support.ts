/**
 * @module bench/support
 * Shared helpers of the benchmarks: an inbox on loopback with a temporary SQLite file,
 * percentiles, a bounded closed-loop HTTP load generator on undici, and table printing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInbox, type Inbox } from "@safeguards/server";
import { Pool } from "undici";

export const AGENT_KEY = "bench-agent-key-0001";
export const REVIEWER_TOKEN = "bench-reviewer-token-01";
export const AGENT = "bench_agent";

/** An inbox with a fresh SQLite file (or `store`), listening on 127.0.0.1:0. */
export async function startBenchInbox(
  store?: "memory",
): Promise<{ inbox: Inbox; url: string; db: string }> {
  const db = store ?? join(mkdtempSync(join(tmpdir(), "safeguards-bench-")), "inbox.db");
  const inbox = createInbox({
    store: db,
    apiKeys: { [AGENT_KEY]: AGENT },
    reviewerTokens: { [REVIEWER_TOKEN]: "bench-reviewer" },
    onError: (e) => console.error("[inbox]", e),
  });
  const { url } = await inbox.listen({ port: 0, host: "127.0.0.1" });
  return { inbox, url, db };
}

/** The `p`-th percentile (0-100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Formats milliseconds with sensible precision. */
export const ms = (value: number) =>
  Number.isNaN(value) ? "n/a" : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;

/** Prints rows as an aligned text table (and a Markdown copy for RESULTS.md). */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line(row));
  console.log(`\nMarkdown:\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

/** One request of a load run. */
export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Closed-loop load: `concurrency` workers over one undici Pool send `count` sequences built
 * by `make(i)` (each sequence is one or more requests, sent in order). Answers requests/s.
 */
export async function runLoad(options: {
  origin: string;
  count: number;
  concurrency: number;
  make: (i: number) => LoadRequest[];
  expect?: (status: number, req: LoadRequest) => boolean;
}): Promise<{ requests: number; seconds: number; perSecond: number; errors: number }> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  let next = 0;
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.count) return;
      for (const req of options.make(i)) {
        const res = await pool.request({
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
        });
        await res.body.text();
        requests += 1;
        if (!(options.expect ?? ((s) => s < 400))(res.statusCode, req)) errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests, seconds, perSecond: requests / seconds, errors };
}
