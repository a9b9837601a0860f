/**
 * `pnpm start`: runs the approval inbox on http://localhost:8787 (PORT overrides; 0 picks a
 * free port) with SQLite under `.safeguards/`, then runs the guide's financial agent against
 * it through a HumanInTheLoopChannel. It prints the web inbox and its `/analytics` page, the
 * request it filed, the review page (with
 * the `demo-reviewer` account's password) and the curl commands (approve / modify to 1800.00 /
 * reject) a person runs to decide, waits, prints the outcome and exits.
 *
 * `--scripted approve|modify|reject` makes a scripted reviewer decide over HTTP (CI).
 *
 * The agent side is `runFinancialApproval` of examples/financial-approval (the guide's
 * Complete Example), imported by relative path, with the HTTP channel instead of an
 * in-process one.
 */
import { randomBytes } from "node:crypto";
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import { createInbox, hashPassword } from "@safeguards/server";
import { runFinancialApproval } from "../financial-approval/flow.js";
import { curlCommand, DECISIONS, type DecisionName, decide, reviewUrl } from "./reviewer.js";

function parseArgs(argv: string[]): { scripted?: DecisionName } {
  const at = argv.indexOf("--scripted");
  if (at === -1) return {};
  const value = argv[at + 1];
  if (!value || !(value in DECISIONS)) {
    console.error("usage: main.ts [--scripted approve|modify|reject]");
    process.exit(2);
  }
  return { scripted: value as DecisionName };
}

const { scripted } = parseArgs(process.argv.slice(2));
const port = Number(process.env.PORT ?? 8787);
const db = process.env.SAFEGUARDS_DB ?? ".safeguards/inbox.db";
const apiKey = process.env.SAFEGUARDS_API_KEY ?? `sk_demo_${randomBytes(12).toString("hex")}`;
const reviewerToken =
  process.env.SAFEGUARDS_REVIEWER_TOKEN ?? `rt_demo_${randomBytes(12).toString("hex")}`;

const reviewerPassword =
  process.env.SAFEGUARDS_REVIEWER_PASSWORD ?? `pw_${randomBytes(6).toString("hex")}`;

// One reviewer, "demo-reviewer": the curl commands use its token, the web review page its
// password (so the printed page really lets a person sign in and decide).
const inbox = createInbox({
  store: db,
  apiKeys: { [apiKey]: "financial_advisor" },
  reviewers: {
    accounts: [
      {
        name: "demo-reviewer",
        token: reviewerToken,
        passwordHash: await hashPassword(reviewerPassword, 10),
        agents: "*",
      },
    ],
    secret: randomBytes(32).toString("hex"),
  },
});
const { url } = await inbox.listen({ port, host: "127.0.0.1" });
console.log(`Approval inbox listening on ${url} (SQLite: ${db})`);
const web = url.replace(/\/api$/, "");
console.log(`Web inbox: ${web}/inbox · reviewer analytics: ${web}/analytics\n`);

const channel = new HumanInTheLoopChannel();
await channel.initialize({
  webhookUrl: url,
  apiKey,
  timeoutSeconds: 300, // the guide's 5-minute approval timeout (the handler's default here)
  requestTimeoutSeconds: 10, // bound of each HTTP call to the inbox
  pollInterval: 5,
});
const handler = new HumanActionHandler(channel);

let exitCode = 0;

/** Prints the filed request and how to decide it; starts the scripted reviewer if asked. */
async function announce(id: string, title: string, description: string, expiresAt: Date) {
  console.log(`\nFiled approval request ${id}:`);
  console.log(`  ${title}: ${description}`);
  console.log(`  expires at ${expiresAt.toISOString()}\n`);
  const page = await reviewUrl(url, reviewerToken, id);
  if (page) {
    console.log(`Review page: ${page}`);
    console.log(`  (sign in as demo-reviewer, password ${reviewerPassword})\n`);
  }
  console.log("Decide with one of these commands (reviewer token included):\n");
  for (const name of Object.keys(DECISIONS) as DecisionName[]) {
    console.log(`# ${name}\n${curlCommand(url, reviewerToken, id, name)}\n`);
  }
  if (!scripted) {
    console.log("Waiting for a decision...\n");
    return;
  }
  console.log(`Scripted reviewer: ${scripted}\n`);
  await decide(url, reviewerToken, id, scripted).catch((error: unknown) => {
    console.error(error);
    exitCode = 1;
  });
}
try {
  let announced = Promise.resolve();
  const outcome = await runFinancialApproval({
    handler,
    channel,
    log: (line) => console.log(line),
    timeoutSeconds: 300,
    onRequested(action) {
      announced = announce(action.id, action.title, action.description, action.expiresAt);
    },
  });
  await announced;
  console.log(`\nOutcome: ${outcome.status}`);
  if (outcome.action?.reviewer) console.log(`Decided by: ${outcome.action.reviewer}`);
  if (outcome.action?.comments) console.log(`Comments: ${outcome.action.comments}`);
} catch (error) {
  console.error("The demo failed:", error);
  exitCode = 1;
} finally {
  handler.shutdown();
  await channel.shutdown();
  await inbox.close();
}
process.exit(exitCode);
