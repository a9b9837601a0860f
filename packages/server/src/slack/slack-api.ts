/**
 * @module slack/slack-api
 * The few Slack Web API calls the inbox makes (`chat.postMessage`, `chat.update`), posts to
 * incoming webhooks and `response_url`s, all with a timeout. The API base is configurable
 * (tests point it at a local server).
 */

/** A posted message, for later updates. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** Timeout of one call to Slack when none is configured (ms). */
export const DEFAULT_SLACK_TIMEOUT_MS = 10_000;

/** Options of {@link createSlackApi}. */
export interface SlackApiOptions {
  botToken?: string;
  /** @default "https://slack.com/api" */
  apiUrl?: string;
  /** @default 10000 */
  timeoutMs?: number;
}

/** Minimal Slack client. */
export interface SlackApi {
  /** `chat.postMessage` with the bot token; answers where it was posted. */
  postMessage(channel: string, message: object): Promise<SlackMessageRef>;
  /** `chat.update` of an earlier message. */
  update(ref: SlackMessageRef, message: object): Promise<void>;
  /** POSTs JSON to an incoming webhook or a `response_url`. */
  postTo(url: string, body: object): Promise<void>;
}

/** Creates a {@link SlackApi}. */
export function createSlackApi(options: SlackApiOptions): SlackApi {
  const base = (options.apiUrl ?? "https://slack.com/api").replace(/\/$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS;
  const post = async (url: string, body: object, token?: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Slack answered HTTP ${response.status} at ${url}`);
    return text;
  };
  const call = async (method: string, body: object) => {
    if (!options.botToken) throw new Error(`Slack ${method} needs a bot token`);
    const answer = JSON.parse(await post(`${base}/${method}`, body, options.botToken)) as {
      ok?: boolean;
      error?: string;
      channel?: string;
      ts?: string;
    };
    if (!answer.ok) throw new Error(`Slack ${method} failed: ${answer.error ?? "unknown error"}`);
    return answer;
  };
  return {
    async postMessage(channel, message) {
      const answer = await call("chat.postMessage", { channel, ...message });
      return { channel: answer.channel ?? channel, ts: String(answer.ts) };
    },
    async update(ref, message) {
      await call("chat.update", { channel: ref.channel, ts: ref.ts, ...message });
    },
    async postTo(url, body) {
      await post(url, body);
    },
  };
}
