/**
 * AI SDK adapter overhead when nothing is flagged: an un-flagged call through `withApproval`
 * vs the bare tool's `execute`, and an agent run (`generateText` tool loop) with `guardTools`
 * vs the same tools unguarded. The measurement lives with the package
 * (`packages/ai-sdk/bench/overhead.ts`) so it resolves `ai` from there.
 */
import { run } from "../packages/ai-sdk/bench/overhead.js";

console.log(await run());
