/**
 * LangChain adapter overhead when nothing is flagged: `withApproval` vs the bare tool, and
 * one agent turn with `approvalMiddleware` vs LangChain's built-in
 * `humanInTheLoopMiddleware`, side by side in one run. The measurement lives with the
 * package (`packages/langchain/bench/overhead.ts`) so it resolves LangChain from there.
 */
import { run } from "../packages/langchain/bench/overhead.js";

console.log(await run());
