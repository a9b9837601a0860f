/**
 * `GET /api/stats` (reviewer analytics) over 100,000 decided actions on SQLite: the median
 * answer time of `range=30d` and `range=24h` against 200 ms, beside the reviewer list as a
 * baseline. The measurement lives with the server package
 * (`packages/server/bench/stats.ts`) so it resolves `better-sqlite3` from there.
 */
import { run } from "../packages/server/bench/stats.js";

console.log(await run());
