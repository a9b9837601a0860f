/**
 * The resume contract against the official LangGraph server (`langgraphjs dev` from
 * @langchain/langgraph-cli 2.0.0) driven by the official SDK (@langchain/langgraph-sdk 2.0.0):
 * the same tests as resume-contract.test.ts, with the same agents, served.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { describeResumeContract } from "./contract/resume-contract.js";
import { SERVED_GRAPHS, serverSubjects } from "./contract/server-subjects.js";
import { type LangGraphServer, startLangGraphServer } from "./support/langgraph-server.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
let server: LangGraphServer | undefined;

beforeAll(async () => {
  const graphs = Object.fromEntries(
    Object.entries(SERVED_GRAPHS).map(([id, name]) => [id, `./test/contract/agents.ts:${name}`]),
  );
  server = await startLangGraphServer({ cwd: PACKAGE_DIR, graphs });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

for (const subject of serverSubjects(() => server!.client)) describeResumeContract(subject, 60_000);
