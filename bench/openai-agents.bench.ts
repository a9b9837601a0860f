/**
 * OpenAI Agents SDK adapter overhead when nothing is flagged: an agent run whose tools'
 * `needsApproval` comes from `needsApprovalFrom` vs the same agent without it. The
 * measurement lives with the package (`packages/openai-agents/bench/overhead.ts`) so it
 * resolves `@openai/agents` from there.
 */
import { run } from "../packages/openai-agents/bench/overhead.js";

console.log(await run());
