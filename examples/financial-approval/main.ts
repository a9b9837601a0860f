/**
 * @module main
 * Runs the guide's Complete Example.
 *
 *   tsx --conditions=@safeguards/source main.ts                      the terminal asks you
 *   tsx --conditions=@safeguards/source main.ts --scripted modify    a scripted reviewer decides
 *   tsx --conditions=@safeguards/source main.ts --all                all four outcomes, checked (CI)
 */
import {
  ActionStatus,
  createManualClock,
  Decimal,
  HumanActionHandler,
  InProcessApprovalChannel,
  TerminalApprovalChannel,
} from "@safeguards/core";
import { type FinancialApprovalOutcome, runFinancialApproval } from "./flow.js";
import {
  isScriptedOutcome,
  OUTCOMES,
  type ScriptedOutcome,
  scriptReviewer,
} from "./scripted-reviewer.js";

const log = (line: string) => console.log(line);

/** What each scripted outcome must lead to. */
const EXPECTED: Record<ScriptedOutcome, { status: ActionStatus; amount: string | null }> = {
  approve: { status: ActionStatus.APPROVED, amount: "2500.00" },
  modify: { status: ActionStatus.MODIFIED, amount: "1800.00" },
  reject: { status: ActionStatus.REJECTED, amount: null },
  timeout: { status: ActionStatus.TIMED_OUT, amount: null },
};

async function runScripted(outcome: ScriptedOutcome): Promise<boolean> {
  log(`\n=== Scripted reviewer: ${outcome} ===`);
  const clock = createManualClock(Date.now());
  const channel = new InProcessApprovalChannel({ clock });
  const handler = new HumanActionHandler(channel, { clock });
  const stop = scriptReviewer({ channel, clock, outcome, log });
  try {
    const result = await runFinancialApproval({ handler, channel, log });
    return check(outcome, result);
  } finally {
    stop();
    handler.shutdown();
    channel.shutdown();
  }
}

function check(outcome: ScriptedOutcome, { status, result, agent }: FinancialApprovalOutcome) {
  const expected = EXPECTED[outcome];
  const ranAmount = result ? result.amount : null;
  const ok =
    status === expected.status &&
    (expected.amount === null
      ? result === null && agent.executed.length === 0
      : ranAmount instanceof Decimal &&
        ranAmount.equals(expected.amount) &&
        agent.executed.length === 1);
  log(
    ok
      ? `OK: ${outcome} -> ${status}`
      : `UNEXPECTED: ${outcome} -> ${status}, executed ${agent.executed.length}`,
  );
  return ok;
}

async function runInteractive(): Promise<void> {
  const channel = new TerminalApprovalChannel();
  const handler = new HumanActionHandler(channel);
  // The handler's timers do not keep Node alive; this does, until the outcome is known.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    await runFinancialApproval({ handler, channel, log });
  } finally {
    clearInterval(keepAlive);
    handler.shutdown();
    channel.shutdown();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--all")) {
    let ok = true;
    for (const outcome of OUTCOMES) ok = (await runScripted(outcome)) && ok;
    return ok ? 0 : 1;
  }
  const flag = argv.indexOf("--scripted");
  if (flag >= 0) {
    const outcome = argv[flag + 1];
    if (!isScriptedOutcome(outcome)) {
      console.error(`--scripted needs one of: ${OUTCOMES.join(", ")}`);
      return 2;
    }
    return (await runScripted(outcome)) ? 0 : 1;
  }
  await runInteractive();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
