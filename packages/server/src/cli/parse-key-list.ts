/**
 * @module cli/parse-key-list
 * Parses the CLI's key lists from the environment (`"key1=agentA,key2=agentB"`).
 */
import { InvalidConfigError } from "@safeguards/core";

/** Parses "k1=v1,k2=v2" into a map; throws naming the variable on a malformed entry. */
export function parseKeyList(name: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (raw ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf("=");
    if (at <= 0 || at === entry.length - 1) {
      throw new InvalidConfigError(
        `${name}: entry "${entry.slice(0, 4)}..." must look like key=name`,
      );
    }
    out[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return out;
}
