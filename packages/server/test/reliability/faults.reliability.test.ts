/**
 * Faults mid-soak: agents reach two CLI inbox processes (one PostgreSQL cluster of this test's
 * own) through a TCP load balancer; while actions are filed and decided, an instance is
 * SIGKILLed and started again (twice, one each), PostgreSQL is restarted (`pg_ctl restart -m
 * fast`), the agents' connections are cut mid-wait (twice), and callbacks are delayed,
 * duplicated and failed on purpose by a relay. Both instances run the reviewer side (accounts
 * file, email, Slack) and reviewers decide by API, web session, email link and Slack click.
 * Afterwards: nothing lost, nothing decided twice, nothing run without approval (four-eyes
 * actions: never with fewer distinct approvers than required, each escalation step applied
 * once), the audit log agrees, nothing pending, each Slack message of a plain action updated
 * once, no email link used twice, and a `/decisions` reader per agent that followed its cursor
 * throughout saw each of that agent's decisions exactly once (no cursor skipped one).
 */

import { PG_TEST_URL } from "@safeguards/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { type CallbackRelay, startCallbackRelay } from "./callback-relay.js";
import { decidedIds, watchDecisions } from "./cursor-watch.js";
import { type InboxProcess, startInboxProcess } from "./inbox-process.js";
import { checkInvariants, waitUntilNothingPending } from "./invariants.js";
import { Ledger } from "./ledger.js";
import { startTcpBalancer, type TcpBalancer } from "./net-faults.js";
import { type PgCluster, startPgCluster } from "./pg-cluster.js";
import { FAULT_ACTIONS, SEED, seededRandom, sleep } from "./reliability-env.js";
import { type ReviewerSide, startReviewerSide } from "./reviewer-side.js";
import {
  agentKey,
  SOAK_SECRET,
  type SoakAgent,
  soakApiKeys,
  soakReviewerTokens,
  startSoakAgent,
} from "./soak-agent.js";
import { runSoak } from "./soak-driver.js";

const AGENTS = 6;
const CONCURRENCY = 32;

describe.runIf(PG_TEST_URL)(
  "faults mid-soak (CLI instances, PostgreSQL restart, cut connections)",
  () => {
    let cluster: PgCluster | undefined;
    let balancer: TcpBalancer | undefined;
    let relay: CallbackRelay | undefined;
    const instances: (InboxProcess | undefined)[] = [];
    const everStarted: InboxProcess[] = [];
    const agents: SoakAgent[] = [];
    let reviewer: ReviewerSide | undefined;
    afterAll(async () => {
      // An instance that died without being killed by the test: show why.
      for (const p of instances) if (p && !p.alive()) console.log(p.output().slice(-8000));
      await Promise.all(agents.map((a) => a.stop()));
      await Promise.all(everStarted.map((p) => p.stop()));
      await balancer?.close();
      await relay?.close();
      await reviewer?.close();
      await cluster?.stop();
    });

    it(`${FAULT_ACTIONS} actions: nothing lost, nothing decided twice, nothing run unapproved`, async () => {
      cluster = await startPgCluster();
      const databaseUrl = cluster.url;
      const random = seededRandom(SEED);
      relay = await startCallbackRelay({
        random,
        maxDelayMs: 400,
        duplicateRate: 0.2,
        failRate: 0.1,
      });
      const live = () => instances.filter((p): p is InboxProcess => p !== undefined);
      reviewer = await startReviewerSide(() => live().map((p) => p.url), databaseUrl, random);
      const env = {
        ...reviewer.channels.cliEnv(),
        SAFEGUARDS_API_KEYS: Object.entries(soakApiKeys(AGENTS))
          .map(([k, a]) => `${k}=${a}`)
          .join(","),
        SAFEGUARDS_REVIEWER_TOKENS: Object.entries(soakReviewerTokens())
          .map(([token, name]) => `${token}=${name}`)
          .join(","),
        SAFEGUARDS_SIGNING_SECRET: SOAK_SECRET,
        // The relay is on 127.0.0.1: internal, so it needs an allowlist entry.
        SAFEGUARDS_CALLBACK_URLS: `${new URL(relay.urlFor(0)).origin}/cb/`,
      };
      const start = async (k: number) => {
        const proc = await startInboxProcess(databaseUrl, env, reviewer?.channels.cliArgs());
        everStarted.push(proc);
        instances[k] = proc;
      };
      await Promise.all([start(0), start(1)]); // both migrate the empty database at once
      // Web sessions made before the faults, used on any instance (restarted ones too).
      await reviewer.paths.signIn(2);
      console.log(
        "faults soak: instances up",
        live().map((p) => p.url),
      );
      balancer = await startTcpBalancer(() => live().map((p) => p.port));
      for (let i = 0; i < AGENTS; i += 1) {
        const withCallbacks = i % 2 === 0;
        const agent = await startSoakAgent({
          index: i,
          webhookUrl: `http://127.0.0.1:${balancer.port}/api`,
          ...(withCallbacks ? { callbackUrl: relay.urlFor(i), longPoll: i % 4 !== 0 } : {}),
        });
        if (withCallbacks) relay.route(i, (await agent.channel.listenForCallbacks()).url);
        agents.push(agent);
      }

      const ledger = new Ledger();
      const kill = async (k: number) => {
        const proc = instances[k];
        instances[k] = undefined;
        await proc?.kill();
        ledger.fault("inbox instance SIGKILLed and restarted");
        await sleep(500);
        await start(k);
      };
      const cut = async () => {
        const n = balancer?.cut() ?? 0;
        ledger.fault("agent connections cut (all open)");
        ledger.figures.faults["connections dropped"] =
          (ledger.figures.faults["connections dropped"] ?? 0) + n;
      };
      const restartPostgres = async () => {
        await cluster?.restart();
        ledger.fault("PostgreSQL restarted (pg_ctl restart -m fast)");
      };
      const schedule: [number, () => Promise<void>][] = [
        [0.15, () => kill(0)],
        [0.3, cut],
        [0.45, restartPostgres],
        [0.65, () => kill(1)],
        [0.8, cut],
      ];
      const watchers = Array.from({ length: AGENTS }, (_, i) =>
        watchDecisions(() => live().map((p) => p.url), agentKey(i).key),
      );
      let faults = Promise.resolve();
      const started = performance.now();
      await runSoak({
        actions: FAULT_ACTIONS,
        agents,
        concurrency: CONCURRENCY,
        random,
        ledger,
        reviewerUrls: () => live().map((p) => p.url),
        expireSeconds: 3,
        idPrefix: `fault_${SEED}`,
        quorumRate: 0.2, // four-eyes actions whose escalation steps meet the kills and restart
        reviewer: reviewer.paths,
        onProgress: (done) => {
          if (done % Math.ceil(FAULT_ACTIONS / 10) === 0) {
            console.log(`faults soak: ${done}/${FAULT_ACTIONS} actions final`);
          }
          while (schedule[0] && done >= schedule[0][0] * FAULT_ACTIONS) {
            const [, inject] = schedule.shift()!;
            faults = faults.then(inject);
          }
        },
      });
      await faults;
      const seconds = (performance.now() - started) / 1000;
      expect(schedule).toEqual([]); // every fault was injected mid-soak
      for (const proc of live()) expect(proc.alive(), proc.output()).toBe(true);
      expect(agents.map((a) => a.handler.pendingCount)).toEqual(agents.map(() => 0));
      await waitUntilNothingPending(databaseUrl, 45_000);
      const verdict = await checkInvariants(databaseUrl, ledger, { exactlyOneReviewerWin: false });
      for (const [i, watcher] of watchers.entries()) {
        const seen = await watcher.stop();
        expect(watcher.problems).toEqual([]);
        expect(seen.length).toBe(new Set(seen).size); // none twice
        expect([...seen].sort()).toEqual(
          (await decidedIds(databaseUrl, agentKey(i).agentId)).sort(),
        );
      }
      const channels = await reviewer.check({
        repairStale: true,
        skip: (id) => ledger.entries.get(id)?.quorum === true,
      });
      ledger.figures.faults["callbacks delayed (ms total)"] = relay.stats.delayedMs;
      ledger.figures.faults["callbacks duplicated"] = relay.stats.duplicated;
      ledger.figures.faults["callbacks failed on purpose"] = relay.stats.failedOnPurpose;
      const accepted = agents.reduce((n, a) => n + (a.channel.callbackStats?.accepted ?? 0), 0);
      const streamErrors = agents.reduce((n, a) => n + a.counters.streamErrors, 0);
      const replayed = agents.reduce((n, a) => n + (a.channel.callbackStats?.replayed ?? 0), 0);
      ledger.report("reliability faults (2 CLI instances, PostgreSQL, faults mid-soak)", {
        seed: SEED,
        seconds: seconds.toFixed(1),
        streamReconnects: streamErrors,
        callbacksReceived: relay.stats.received,
        callbacksAccepted: accepted,
        callbacksReplayedIgnored: replayed,
        finalStates: verdict.byStatus,
        auditEntries: verdict.auditEntries,
        agentTimeoutsReported: verdict.agentTimeouts,
        problems: verdict.problems.length,
        ...channels.figures,
        channelProblems: channels.problems.length,
      });
      expect(verdict.problems.slice(0, 20)).toEqual([]);
      expect(channels.problems.slice(0, 20)).toEqual([]);
      expect(ledger.figures.losses).toBe(0);
      expect(ledger.figures.decidedTwice).toBe(0);
      expect(ledger.figures.unapprovedExecutions).toBe(0);
      expect(ledger.figures.underApproved).toBe(0);
      expect(ledger.figures.quorumActions).toBeGreaterThan(0);
      // the faults reached the agents: long polls failed and were resumed from their cursor
      expect(streamErrors).toBeGreaterThan(0);
      expect(relay.stats.duplicated).toBeGreaterThan(0);
    });
  },
);
