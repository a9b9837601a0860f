/**
 * @module test/reliability/reviewer-checks
 * The end-of-run checks of the reviewer channels, next to `invariants.ts`:
 *
 * - every action has at most one Slack message, and the message of every action (all are
 *   final by now) ends showing its final state, updated once: at most one `chat.update`,
 *   and never a `chat.update` plus a winning click's `response_url` (a click that decided
 *   nothing re-shows the outcome through its own `response_url`; that is the press's
 *   answer, not a second update, and it must show the same final state);
 * - with `repairStale` (runs that SIGKILL instances: an instance that dies between claiming
 *   a message and `chat.update` leaves it with its buttons, as slack-updates.ts documents),
 *   a message never updated is pressed once: the press must decide nothing and replace the
 *   message with the final state; without it such a message is a problem;
 * - no email link answered 200 twice, and pressing a used link again is refused (410).
 */
import pg from "pg";
import type { ReviewerPaths } from "./reviewer-paths.js";
import type { ReviewerTraffic } from "./reviewer-traffic.js";

/** Problems (empty when all hold) and the figures of the channels. */
export interface ChannelVerdict {
  problems: string[];
  figures: Record<string, unknown>;
}

/** Options of {@link checkReviewerChannels}. */
export interface ChannelCheckOptions {
  databaseUrl: string;
  paths: ReviewerPaths;
  traffic: ReviewerTraffic;
  /** `/api` URLs of the live instances (for replays of used links). */
  urls: () => string[];
  repairStale: boolean;
  /**
   * Actions whose Slack messages are not checked: four-eyes actions, whose message is updated
   * at each approval and escalation step (checked by the quorum invariants instead).
   */
  skip?: (actionId: string) => boolean;
  /** How long to let the last updates arrive (ms). @default 10000 */
  settleMs?: number;
}

/** How the outcome block names a final state (`*TIMED OUT*`). */
const shown = (status: string) => `*${status.toUpperCase().replace("_", " ")}*`;
const shows = (body: { blocks?: unknown }, status: string) =>
  JSON.stringify(body?.blocks ?? []).includes(shown(status));

async function finalStates(url: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; status: string }>(
      "SELECT id, status FROM actions",
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  } finally {
    await client.end();
  }
}

/** Checks the Slack messages and email links of a finished run. */
export async function checkReviewerChannels(o: ChannelCheckOptions): Promise<ChannelVerdict> {
  const { traffic, paths } = o;
  const states = await finalStates(o.databaseUrl);
  const problems: string[] = [];
  /** The messages replaced through the `response_url` of `id`'s clicks (only winners: `won`). */
  const replacements = (id: string, won?: boolean) =>
    (byAction.get(id) ?? [])
      .filter((c) => won === undefined || (c.answer === "won") === won)
      .flatMap((c) => (traffic.responses.get(c.path) ?? []).filter((b) => b.replace_original));
  let byAction = new Map<string, { path: string; answer?: string }[]>();
  const indexClicks = () => {
    byAction = new Map();
    for (const [path, c] of paths.clicks)
      byAction.set(c.actionId, [...(byAction.get(c.actionId) ?? []), { path, ...c }]);
  };
  const stale = () => {
    indexClicks();
    return [...traffic.posts].filter(
      ([id, [m]]) =>
        m && !o.skip?.(id) && !traffic.updates.has(m.ts) && replacements(id).length === 0,
    );
  };
  // Updates of the last decisions may still be on their way.
  await traffic.waitFor(() => (stale().length === 0 ? true : undefined), o.settleMs ?? 10_000);
  let repaired = 0;
  for (const [id] of o.repairStale ? stale() : []) {
    const answer = await paths.click(id, "approve", 0);
    if (answer !== "refused") problems.push(`${id}: pressing its stale Slack button: ${answer}`);
    repaired += 1;
  }
  traffic.refresh();
  indexClicks();
  for (const [id, messages] of traffic.posts) {
    if (o.skip?.(id)) continue;
    const status = states.get(id) ?? "missing";
    const say = (what: string) => problems.push(`${id} (${status}) Slack: ${what}`);
    if (messages.length !== 1) say(`${messages.length} messages posted`);
    const updates = messages.flatMap((m) => traffic.updates.get(m.ts) ?? []);
    const won = replacements(id, true);
    const all = replacements(id);
    if (updates.length + won.length > 1)
      say(`updated ${updates.length} times by chat.update and ${won.length} by a winning click`);
    if (updates.length + all.length === 0) say("never updated");
    if (![...updates, ...all].every((body) => shows(body, status)))
      say(`an update does not show ${shown(status)}`);
  }
  const used: string[] = [];
  for (const [path, answers] of paths.linkAnswers) {
    const wins = answers.filter((a) => a === "won").length;
    if (wins > 1) problems.push(`email link ${path} decided ${wins} times`);
    if (wins === 1) used.push(path);
  }
  // A used link pressed again (on any instance) decides nothing.
  const replayed = used.slice(0, 20);
  for (const [i, path] of replayed.entries()) {
    const live = o.urls();
    const root = (live[i % live.length] as string).replace(/\/api$/, "");
    const res = await fetch(root + path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "comments=again",
    });
    if (res.status !== 410) problems.push(`used email link ${path} answered ${res.status} again`);
  }
  const count = <V>(map: Map<string, V[]>) => [...map.values()].reduce((n, v) => n + v.length, 0);
  return {
    problems,
    figures: {
      decisionsByPath: paths.sent,
      msPerDecisionByPath: Object.fromEntries(
        Object.entries(paths.spentMs).map(([k, ms]) => [
          k,
          Math.round(ms / Math.max(1, paths.sent[k as keyof typeof paths.sent])),
        ]),
      ),
      slackPosts: count(traffic.posts),
      slackChatUpdates: count(traffic.updates),
      slackClicks: paths.clicks.size,
      slackClickWins: [...paths.clicks.values()].filter((c) => c.answer === "won").length,
      staleMessagesPressed: repaired,
      mails: count(traffic.mails),
      emailLinksUsed: paths.linkAnswers.size,
      usedLinksReplayedAndRefused: replayed.length,
    },
  };
}
