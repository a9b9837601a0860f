/**
 * @module http/auth
 * Bearer credentials: agent API keys (key -> agent id) and reviewer tokens (token -> name),
 * compared in constant time (SHA-256 of both sides, `timingSafeEqual`, every entry checked).
 */
import { hash, timingSafeEqual } from "node:crypto";
import { InboxError } from "../inbox/inbox-error.js";

/** Who is calling. */
export type Principal = { kind: "agent"; agentId: string } | { kind: "reviewer"; name: string };

/** Resolves a request's credential to a principal (`undefined` when there is none or it is wrong). */
export type Authenticator = (request: Request) => Promise<Principal | undefined>;

// One-shot `crypto.hash` (Node >= 20.12): the same SHA-256 as createHash().update().digest(),
// without the Hash object per call (about half the cost per request).
const digest = (value: string) => hash("sha256", value, "buffer");

/** Builds the bearer-token check: the principal of an `Authorization` header value. */
export function createBearerCheck(options: {
  apiKeys: Record<string, string>;
  reviewerTokens: Record<string, string>;
}): (authorization: string | undefined) => Principal | undefined {
  const entries: Array<{ hash: Buffer; principal: Principal }> = [
    ...Object.entries(options.apiKeys).map(([key, agentId]) => ({
      hash: digest(key),
      principal: { kind: "agent", agentId } as const,
    })),
    ...Object.entries(options.reviewerTokens).map(([token, name]) => ({
      hash: digest(token),
      principal: { kind: "reviewer", name } as const,
    })),
  ];
  return (header) => {
    const match = header ? /^Bearer\s+(\S{1,1024})\s*$/i.exec(header) : null;
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: Principal | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(entry.hash, presented) && found === undefined) found = entry.principal;
    }
    return found;
  };
}

/** Answers the principal of `request` or throws 401. */
export async function authenticate(auth: Authenticator, request: Request): Promise<Principal> {
  const principal = await auth(request);
  if (!principal) {
    throw new InboxError(
      "unauthorized",
      "Missing or invalid credential; send Authorization: Bearer <api key or reviewer token>",
    );
  }
  return principal;
}

/** The agent id of an agent principal, or throws 403. */
export function requireAgent(principal: Principal): string {
  if (principal.kind !== "agent") {
    throw new InboxError("forbidden", "Only an agent API key may use this endpoint");
  }
  return principal.agentId;
}

/** The reviewer name of a reviewer principal, or throws 403. */
export function requireReviewer(principal: Principal): string {
  if (principal.kind !== "reviewer") {
    throw new InboxError(
      "forbidden",
      "Only a reviewer may use this endpoint; agent keys never decide",
    );
  }
  return principal.name;
}
