/**
 * One policy file, four runtimes: the same `definePolicies` object (`policies.ts`) guards a
 * LangChain agent, a LangGraph graph, a Vercel AI SDK tool loop and an OpenAI Agents SDK run.
 * Each runtime's scripted model makes the same four calls; the same reviewer approves the
 * 2500.00 transfer to ACME and rejects the 9000.00 one; each prints what it asked and ran.
 *
 *   pnpm start / pnpm run ci   (no API key needed; ci exits non-zero if the runtimes differ)
 */
import { runLangChain, runLangGraph } from "./langchain-runs.js";
import { sorted } from "./scenario.js";
import { runAiSdk, runOpenAiAgents } from "./sdk-runs.js";

const runtimes = {
  LangChain: runLangChain,
  LangGraph: runLangGraph,
  "AI SDK": runAiSdk,
  "OpenAI Agents": runOpenAiAgents,
};
const outcomes: string[] = [];
for (const [name, runIt] of Object.entries(runtimes)) {
  const outcome = sorted(await runIt());
  console.log(`\n${name}`);
  for (const a of outcome.asked) console.log(`  asked: ${a.title}`);
  console.log(`  ran:   ${outcome.ran.join("; ")}`);
  console.log(`  fraud: ${outcome.results.fraud}`);
  outcomes.push(JSON.stringify({ asked: outcome.asked, ran: outcome.ran }));
}
if (new Set(outcomes).size !== 1) {
  console.error("\nThe runtimes did not ask and run the same things");
  process.exit(1);
}
console.log("\nAll four asked about the same calls and ran the same ones.");
