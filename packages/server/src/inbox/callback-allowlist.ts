/**
 * @module inbox/callback-allowlist
 * Which `callback_url`s the inbox agrees to call (SSRF guard): a list of allowed URL
 * prefixes/origins, or a predicate. Without either, only public addresses: IP literals and
 * `localhost` names are vetted here (at filing and again at delivery), other names on the
 * addresses they resolve to when the callback is sent (see `callback-dispatcher`). URLs with
 * credentials (`user:pass@`) are always refused.
 */
import { InvalidConfigError } from "@safeguards/core";
import { publicHostRefusal } from "./public-address.js";

/**
 * Allowed callback targets: URL prefixes such as `"https://agents.example/"` (same origin,
 * path under the prefix's path, on `/` boundaries), or a predicate given the parsed URL and
 * the agent id; an entry may name an internal target. Absent: http(s) URLs to public
 * addresses only (loopback, private, link-local, ... are refused).
 */
export type CallbackUrlPolicy = readonly string[] | ((url: URL, agentId: string) => boolean);

/** Returns `null` when `url` may be called for `agentId`, else the reason it may not. */
export type CallbackUrlCheck = (url: string, agentId: string) => string | null;

interface Prefix {
  origin: string;
  path: string;
}

/** Parses one allowlist entry; throws naming `label` when it is not a plain http(s) URL. */
function parsePrefix(entry: string, label: string): Prefix {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new InvalidConfigError(`${label}: "${entry}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidConfigError(`${label}: "${entry}" must be an http(s) URL`);
  if (url.username || url.password)
    throw new InvalidConfigError(`${label}: "${entry}" must not contain credentials`);
  if (url.search || url.hash || entry.includes("?") || entry.includes("#"))
    throw new InvalidConfigError(`${label}: "${entry}" must not have a query or fragment`);
  return { origin: url.origin, path: url.pathname };
}

const underPrefix = (url: URL, prefix: Prefix) =>
  url.origin === prefix.origin &&
  (prefix.path.endsWith("/")
    ? url.pathname.startsWith(prefix.path)
    : url.pathname === prefix.path || url.pathname.startsWith(`${prefix.path}/`));

/**
 * Builds the check of a {@link CallbackUrlPolicy}. List entries are validated now (throws a
 * `TypeError` naming `label`); a predicate that throws counts as a refusal.
 */
export function createCallbackUrlCheck(
  policy: CallbackUrlPolicy | undefined,
  label = "callbackUrls",
): CallbackUrlCheck {
  const prefixes =
    typeof policy === "function" || policy === undefined
      ? undefined
      : policy.map((entry, i) => parsePrefix(entry, `${label}[${i}]`));
  return (raw, agentId) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "callback_url is not an absolute URL";
    }
    if (url.username || url.password) return "callback_url must not contain credentials";
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return "callback_url must be an http(s) URL";
    if (typeof policy === "function") {
      try {
        if (policy(url, agentId)) return null;
      } catch {
        // A failing predicate refuses: the inbox never calls a URL it could not vet.
      }
      return "callback_url is not allowed by this inbox's callbackUrls policy";
    }
    if (prefixes === undefined) return publicHostRefusal(url);
    if (prefixes.some((p) => underPrefix(url, p))) return null;
    return "callback_url is not in this inbox's callbackUrls allowlist";
  };
}

/** Parses the CLI's comma-separated allowlist; throws naming `name` on a bad entry. */
export function parseCallbackUrlList(name: string, raw: string): string[] {
  const entries = raw
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  createCallbackUrlCheck(entries, name); // validates each entry
  return entries;
}
