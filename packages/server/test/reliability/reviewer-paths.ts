/**
 * @module test/reliability/reviewer-paths
 * The soak's reviewers deciding through every way the inbox offers, drawn at random per
 * decision: alice through the API with her account token, a signed-in web session (cookie
 * and CSRF token, the session made on one instance and used on any) or a Slack button
 * click; bob, for the actions of the agents mailed to him (half of their approvals and
 * rejections), through the Approve / Reject link of his mail (POSTed to any instance). The
 * Slack click is signed like Slack's
 * (to any instance, once the inbox has recorded the message as a person could not click
 * sooner; its outcome read from the click's `response_url`). Modifications go
 * through the API or the web. A path whose mail or Slack message never came (its instance
 * died first) falls back to the API. Network errors and 5xx are retried on the live
 * instances, as in `reviewer.ts`.
 */
import pg from "pg";
import { linkIn } from "../reviewer-net-helpers.js";
import { clickSlackButton } from "../slack-click.js";
import { ALICE_API_TOKEN, Browser, PASSWORDS } from "../ui-helpers.js";
import type { LedgerEntry } from "./ledger.js";
import { pick, sleep } from "./reliability-env.js";
import { type Answer, type DecisionBody, sendDecision } from "./reviewer.js";
import type { ReviewerChannels } from "./reviewer-channels.js";
import { MAIL_AGENTS, RELIABILITY_SLACK_SECRET } from "./reviewer-channels.js";
import type { ReviewerTraffic } from "./reviewer-traffic.js";

/** The ways a reviewer decides. */
export const REVIEWER_PATHS = ["api", "web", "email", "slack"] as const;
/** One of {@link REVIEWER_PATHS}. */
export type ReviewerPath = (typeof REVIEWER_PATHS)[number];
const OTHER_PATHS = ["api", "web", "slack"] as const;

/** The reviewer of the soak. */
export interface ReviewerPaths {
  /** Signs in `sessions` web sessions (round robin over the live instances). */
  signIn(sessions: number): Promise<void>;
  /** Sends one decision through a path drawn at random; answers whether it won. */
  send(entry: LedgerEntry, body: DecisionBody, prefer: number): Promise<Answer>;
  /** Decisions sent per path (`fallback`: email or Slack had nothing to press). */
  readonly sent: Record<ReviewerPath | "fallback", number>;
  /** Milliseconds spent per path (waiting for mails and messages included). */
  readonly spentMs: Record<ReviewerPath, number>;
  /** Answers of each email link (its `/email/<token>` path). */
  readonly linkAnswers: Map<string, Answer[]>;
  /** What each Slack click (its `response_url` path) was for, and its answer. */
  readonly clicks: Map<string, { actionId: string; answer?: Answer }>;
  /** Presses a button of `actionId`'s Slack message on a live instance; answers the outcome. */
  click(actionId: string, type: "approve" | "reject", prefer: number): Promise<Answer | undefined>;
  /** Ends the database connections. */
  close(): Promise<void>;
}

/** Options of {@link createReviewerPaths}. */
export interface ReviewerPathsOptions {
  channels: ReviewerChannels;
  traffic: ReviewerTraffic;
  /** The `/api` URLs of the live instances. */
  urls: () => string[];
  random: () => number;
  /** The instances' database (to see when a posted Slack message is recorded). */
  databaseUrl: string;
  /**
   * How long to wait for a mail or a Slack message, and twice that for a click's outcome
   * (ms), before falling back (a loaded machine delays them by seconds). @default 15000
   */
  waitMs?: number;
}

const rootOf = (url: string) => url.replace(/\/api$/, "");

/**
 * Runs `attempt(root)` on the live instances (from `prefer`, then the next) until it gives an
 * answer; `undefined` (a 5xx, a network error) tries again.
 */
async function onLiveInstance<T>(
  urls: () => string[],
  prefer: number,
  what: string,
  attempt: (root: string) => Promise<T | undefined>,
): Promise<T> {
  let last = "";
  for (let n = 0; n < 40; n += 1) {
    const live = urls();
    const url = live[(prefer + n) % live.length];
    if (!url) throw new Error("no inbox instance is configured");
    try {
      const answer = await attempt(rootOf(url));
      if (answer !== undefined) return answer;
      last = "5xx";
    } catch (error) {
      if ((error as Error).message.startsWith("refused:")) throw error;
      last = String((error as Error).cause ?? error);
    }
    await sleep(100 + n * 50);
  }
  throw new Error(`${what} never got an answer: ${last}`);
}

/** 200 won, 409/410 refused, 5xx again, anything else a test failure. */
async function answerOf(res: Response, what: string): Promise<Answer | undefined> {
  const text = await res.text();
  if (res.status === 200) return "won";
  if (res.status === 409 || res.status === 410) return "refused";
  if (res.status >= 500) return undefined;
  throw new Error(`refused: ${what}: ${res.status} ${text.slice(0, 300)}`);
}

/** Creates the reviewer. */
export function createReviewerPaths(o: ReviewerPathsOptions): ReviewerPaths {
  const waitMs = o.waitMs ?? 15_000;
  const sessions: { browser: Browser; csrf: string }[] = [];
  const sent = { api: 0, web: 0, email: 0, slack: 0, fallback: 0 };
  const spentMs = { api: 0, web: 0, email: 0, slack: 0 };
  const linkAnswers = new Map<string, Answer[]>();
  const clicks = new Map<string, { actionId: string; answer?: Answer }>();
  let clickCount = 0;
  const db = new pg.Pool({ connectionString: o.databaseUrl, max: 2 });
  db.on("error", () => {}); // PostgreSQL restarts mid-run
  /** True once the message of `id` is recorded, or its action is no longer pending. */
  const clickable = async (id: string) => {
    const { rows } = await db
      .query<{ saved: boolean; status: string | null }>(
        `SELECT EXISTS (SELECT 1 FROM slack_messages WHERE action_id = $1) AS saved,
                (SELECT status FROM actions WHERE id = $1) AS status`,
        [id],
      )
      .catch(() => ({ rows: [] }));
    return rows[0] && (rows[0].saved || rows[0].status !== "pending") ? true : undefined;
  };

  const viaApi = (entry: LedgerEntry, body: DecisionBody, prefer: number) =>
    sendDecision(o.urls, ALICE_API_TOKEN, entry.id, body, { prefer });

  const viaWeb = (entry: LedgerEntry, body: DecisionBody, prefer: number) => {
    const session = pick(o.random, sessions);
    return onLiveInstance(o.urls, prefer, `web decision on ${entry.id}`, async (root) =>
      answerOf(await session.browser.at(root).decide(entry.id, body, session.csrf), entry.id),
    );
  };

  const viaEmail = async (entry: LedgerEntry, type: "approve" | "reject", prefer: number) => {
    const mail = await o.traffic.waitFor(() => o.traffic.mails.get(entry.id)?.[0], waitMs);
    if (!mail) return undefined;
    const path = new URL(linkIn(mail, type === "approve" ? "Approve" : "Reject")).pathname;
    let used = false;
    const answer = await onLiveInstance(o.urls, prefer, `email link of ${entry.id}`, (root) =>
      fetch(root + path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ comments: "decided from the mail" }).toString(),
      }).then((res) => {
        used = res.status === 410;
        return answerOf(res, `email link of ${entry.id}`);
      }),
    );
    linkAnswers.set(path, [...(linkAnswers.get(path) ?? []), answer]);
    // "Already used": by a duplicate, or by an attempt whose decision then failed (a link is
    // spent before the decision commits): the reviewer turns to another way.
    return used ? undefined : answer;
  };

  /**
   * The outcome told to a click's `response_url`: the message replaced at once (won), or
   * "Nothing was decided" (`nothing`), followed by the outcome when the action was settled.
   */
  const outcomeOf = (path: string) => {
    const [first] = o.traffic.responses.get(path) ?? [];
    if (!first) return undefined;
    return first.replace_original === true ? "won" : "nothing";
  };
  const replaced = (path: string) =>
    o.traffic.responses.get(path)?.some((body) => body.replace_original) || undefined;
  const click = async (actionId: string, type: "approve" | "reject", prefer: number) => {
    for (let n = 0; n < 3; n += 1) {
      clickCount += 1;
      const path = `/response/click-${clickCount}`;
      const record: { actionId: string; answer?: Answer } = { actionId };
      clicks.set(path, record);
      await onLiveInstance(o.urls, prefer + n, `Slack click on ${actionId}`, async (root) => {
        const res = await clickSlackButton(root, RELIABILITY_SLACK_SECRET, Date.now(), {
          user: "UALICE",
          actionId: type === "approve" ? "safeguards_approve" : "safeguards_reject",
          id: actionId,
          responseUrl: `${o.channels.slack.url}${path}`,
        });
        return (await answerOf(res, `Slack click on ${actionId}`)) && true;
      });
      // The instance answers 200 at once and decides afterwards; it may die in between.
      const outcome = await o.traffic.waitFor(() => outcomeOf(path), 2 * waitMs);
      // Nothing decided and no outcome shown: a passing failure (the database restarting).
      const settled =
        outcome === "nothing" && (await o.traffic.waitFor(() => replaced(path), 3000));
      const answer = outcome === "won" ? "won" : settled ? "refused" : undefined;
      if (answer) {
        record.answer = answer;
        return answer;
      }
    }
    return undefined;
  };
  const viaSlack = async (entry: LedgerEntry, type: "approve" | "reject", prefer: number) => {
    const posted = await o.traffic.waitFor(() => o.traffic.posts.get(entry.id)?.[0], waitMs);
    if (!posted) return undefined;
    const end = Date.now() + waitMs;
    while (!(await clickable(entry.id)) && Date.now() < end) await sleep(25);
    return click(entry.id, type, prefer);
  };

  const sendBy = async (
    path: ReviewerPath,
    entry: LedgerEntry,
    body: DecisionBody,
    prefer: number,
  ): Promise<Answer> => {
    if (path === "api") return viaApi(entry, body, prefer);
    if (path === "web") return viaWeb(entry, body, prefer);
    const type = body.type as "approve" | "reject";
    const answer = await (path === "email" ? viaEmail : viaSlack)(entry, type, prefer);
    if (answer) return answer;
    sent.fallback += 1;
    return viaApi(entry, body, prefer);
  };

  return {
    sent,
    spentMs,
    linkAnswers,
    clicks,
    click,
    close: () => db.end(),
    async signIn(count) {
      for (let i = 0; i < count; i += 1) {
        const live = o.urls();
        const browser = new Browser(rootOf(live[i % live.length] as string));
        const res = await browser.signIn("alice", PASSWORDS.alice);
        if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
        sessions.push({ browser, csrf: await browser.csrf() });
      }
    },
    async send(entry, body, prefer) {
      const mailed = MAIL_AGENTS.includes(entry.agentId) && body.type !== "modify";
      const choices = body.type === "modify" ? (["api", "web"] as const) : OTHER_PATHS;
      const path: ReviewerPath = mailed && o.random() < 0.5 ? "email" : pick(o.random, choices);
      sent[path] += 1;
      const started = performance.now();
      try {
        return await sendBy(path, entry, body, prefer);
      } finally {
        spentMs[path] += performance.now() - started;
      }
    },
  };
}
