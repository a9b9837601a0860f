/**
 * @module http/stats
 * `GET /api/stats?range=24h|7d|30d` (reviewer): the reviewer analytics report
 * ({@link StatsReport}) over the range ending now, counting only the actions the reviewer
 * may see. `range` defaults to `24h`; any other value, or more than one, is 400
 * `invalid_request`.
 */
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { STATS_RANGES, type StatsRange } from "../inbox/stats-report.js";
import { statsReport } from "../inbox/stats-service.js";
import { authenticate, requireReviewer } from "./auth.js";
import type { HttpContext } from "./context.js";

/** The `range` query parameter, or throws 400 `invalid_request`. */
export function statsRange(values: string[] | undefined): StatsRange {
  const ranges = Object.keys(STATS_RANGES);
  if (values === undefined || values.length === 0) return "24h";
  const [value] = values;
  if (values.length > 1 || value === undefined || !Object.hasOwn(STATS_RANGES, value)) {
    throw new InboxError(
      "invalid_request",
      `range must be given once, as one of ${ranges.join(", ")}`,
      {
        parameter: "range",
        allowed: ranges,
      },
    );
  }
  return value as StatsRange;
}

/** Handler of `GET /stats`. */
export function stats(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const reviewer = requireReviewer(await authenticate(ctx.authenticator, c.req.raw));
    const range = statsRange(c.req.queries("range"));
    const report = await statsReport(
      ctx.service,
      ctx.gate,
      { name: reviewer },
      range,
      ctx.clock.now(),
    );
    return c.json(report, 200, { "cache-control": "no-store" });
  };
}
