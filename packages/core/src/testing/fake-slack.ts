/**
 * @module fake-slack
 * A local stand-in for Slack on 127.0.0.1: an incoming webhook (`/services/...`) and the
 * Web API's `chat.postMessage` (`/api/chat.postMessage`), checking the payload shape the way
 * Slack does and answering like Slack (`ok` / `{ ok, error }`), with scripted 429/500/hangs.
 */
import {
  type HttpTestServer,
  type RecordedRequest,
  startHttpTestServer,
} from "./http-test-server.js";

/** A Slack message as the fake received it. */
export interface FakeSlackMessage {
  mode: "webhook" | "bot";
  payload: Record<string, unknown>;
  request: RecordedRequest;
}

/** A running fake Slack. */
export interface FakeSlack extends HttpTestServer {
  /** Incoming-webhook URL. */
  webhookUrl: string;
  /** Web API base URL (pass as `apiUrl`). */
  apiUrl: string;
  /** The bot token `chat.postMessage` accepts. */
  botToken: string;
  /** Accepted messages, in order. */
  messages: FakeSlackMessage[];
}

/** Why Slack would refuse `payload`, or `undefined` when it is well formed. */
export function slackPayloadProblem(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return "invalid_payload";
  const p = payload as Record<string, unknown>;
  if (typeof p.text !== "string" || p.text.length === 0) return "no_text";
  if (p.blocks === undefined) return undefined;
  if (!Array.isArray(p.blocks) || p.blocks.length > 50) return "invalid_blocks";
  for (const block of p.blocks as Record<string, unknown>[]) {
    const text = block.text as { type?: string; text?: string } | undefined;
    const fields = block.fields as { type?: string; text?: string }[] | undefined;
    switch (block.type) {
      case "header":
        if (text?.type !== "plain_text" || !text.text || text.text.length > 150)
          return "invalid_blocks";
        break;
      case "section":
        if (!text && !fields) return "invalid_blocks";
        if (text && (!text.text || text.text.length > 3000)) return "invalid_blocks";
        if (fields && (fields.length > 10 || fields.some((f) => !f.text || f.text.length > 2000)))
          return "invalid_blocks";
        break;
      case "actions":
      case "context":
      case "divider":
        if (block.type !== "divider" && !Array.isArray(block.elements)) return "invalid_blocks";
        break;
      default:
        return "invalid_blocks";
    }
  }
  return undefined;
}

/** Starts a fake Slack on 127.0.0.1 (port 0). */
export async function startFakeSlack(options: { botToken?: string } = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? "xoxb-test-token";
  const messages: FakeSlackMessage[] = [];
  const server = await startHttpTestServer((req) => {
    let payload: unknown;
    try {
      payload = JSON.parse(req.body);
    } catch {
      payload = undefined;
    }
    if (req.path.startsWith("/services/")) {
      const problem = req.method === "POST" ? slackPayloadProblem(payload) : "invalid_method";
      if (problem) return { status: 400, body: problem };
      messages.push({ mode: "webhook", payload: payload as Record<string, unknown>, request: req });
      return { status: 200, body: "ok" };
    }
    if (req.path === "/api/chat.postMessage") {
      const fail = (error: string) => ({ status: 200, body: JSON.stringify({ ok: false, error }) });
      if (req.headers.authorization !== `Bearer ${botToken}`) return fail("invalid_auth");
      const p = payload as Record<string, unknown> | undefined;
      if (typeof p?.channel !== "string" || !p.channel) return fail("channel_not_found");
      const problem = slackPayloadProblem(payload);
      if (problem) return fail(problem);
      messages.push({ mode: "bot", payload: p, request: req });
      return {
        status: 200,
        body: JSON.stringify({ ok: true, channel: p.channel, ts: `${Date.now() / 1000}` }),
      };
    }
    return { status: 404, body: "no_service" };
  });
  return Object.assign(server, {
    webhookUrl: `${server.url}/services/T000/B000/XXXX`,
    apiUrl: `${server.url}/api`,
    botToken,
    messages,
  });
}
