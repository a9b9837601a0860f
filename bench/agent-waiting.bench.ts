/**
 * The agent side of waiting: one HumanActionHandler + HumanInTheLoopChannel waiting on
 * 10,000 pending actions. Counts the process's open TCP sockets (Node's
 * `getActiveResourcesInfo`) before and while they wait, and the heap per pending action.
 * The inbox (memory store) runs in the same process, so sockets are counted at both ends.
 * Timers are not counted here (Safeguards' timers are unref'd, which Node does not list):
 * by design the handler keeps one deadline timer and the channel one long-poll timeout.
 */
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import { AGENT, AGENT_KEY, printTable, startBenchInbox } from "./support.js";

const COUNT = Number(process.env.BENCH_PENDING ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
const snapshot = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const resources = process.getActiveResourcesInfo();
  const count = (name: string) => resources.filter((r) => r === name).length;
  return {
    sockets: count("TCPSocketWrap"),
    heap: process.memoryUsage().heapUsed,
  };
};

const { inbox, url } = await startBenchInbox("memory");
const channel = new HumanInTheLoopChannel();
await channel.initialize({ webhookUrl: url, apiKey: AGENT_KEY });
const handler = new HumanActionHandler(channel, { timeoutSeconds: 3600 });
const before = await snapshot();
const waits: Promise<unknown>[] = [];
for (let i = 0; i < COUNT; i += 100) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(100, COUNT - i) }, () =>
      handler.requestAction({ title: "Approve transfer", description: "bench", agentId: AGENT }),
    ),
  );
  for (const action of batch) waits.push(handler.waitForAction(action).catch(() => {}));
}
await new Promise((r) => setTimeout(r, 6_000)); // let idle keep-alive sockets of the filing close
const during = await snapshot();

printTable(
  `Agent waiting on ${COUNT.toLocaleString("en")} pending actions (one handler, one channel)`,
  ["measure", "before filing", "while waiting", "delta"],
  [
    [
      "pending (handler / channel)",
      "0 / 0",
      `${handler.pendingCount} / ${channel.pendingCount}`,
      "",
    ],
    [
      "TCP sockets (whole process, both ends)",
      String(before.sockets),
      String(during.sockets),
      String(during.sockets - before.sockets),
    ],
    [
      "heap used (agent + in-memory inbox)",
      `${(before.heap / 1048576).toFixed(1)} MB`,
      `${(during.heap / 1048576).toFixed(1)} MB`,
      `${((during.heap - before.heap) / COUNT).toFixed(0)} B per action`,
    ],
  ],
);
handler.shutdown();
await Promise.all(waits);
await channel.shutdown();
await inbox.close();
