/**
 * @module inbox/signing-secrets
 * The inbox's Standard Webhooks secrets: the shared `signingSecret` and the optional
 * per-agent ones (`agentSigningSecrets`), which sign an agent's callbacks and verify its
 * signed requests, so one agent cannot sign callbacks that verify for another.
 */
import { InvalidConfigError } from "@safeguards/core";
import { Webhook } from "standardwebhooks";

/** Throws {@link InvalidConfigError} early for a malformed Standard Webhooks secret. */
function checkSigningSecret(secret: string, label = "signingSecret"): void {
  try {
    new Webhook(secret);
  } catch (error) {
    throw new InvalidConfigError(
      `createInbox: ${label} is not a Standard Webhooks secret (whsec_ followed by base64)`,
      { cause: error },
    );
  }
}

/**
 * Checks `signingSecret` and `agentSigningSecrets` (keyed by agent ids of `agents`; throws
 * {@link InvalidConfigError}) and answers the secret of an agent's callbacks and signed requests; `undefined` without secrets.
 */
export function signingSecrets(
  shared: string | undefined,
  own: Record<string, string> = {},
  agents: readonly string[] = [],
): ((agentId: string) => string) | undefined {
  if (!shared) {
    if (Object.keys(own).length > 0)
      throw new InvalidConfigError("createInbox: agentSigningSecrets needs signingSecret");
    return undefined;
  }
  checkSigningSecret(shared);
  const seen = new Set([shared]);
  for (const [agentId, secret] of Object.entries(own)) {
    if (!agents.includes(agentId))
      throw new InvalidConfigError(
        `createInbox: agentSigningSecrets names "${agentId}", which no API key acts for`,
      );
    checkSigningSecret(secret, `agentSigningSecrets["${agentId}"]`);
    if (seen.has(secret))
      throw new InvalidConfigError(
        `createInbox: agentSigningSecrets["${agentId}"] must differ from signingSecret and from every other agent's secret`,
      );
    seen.add(secret);
  }
  return (agentId) => (Object.hasOwn(own, agentId) ? (own[agentId] as string) : shared);
}
