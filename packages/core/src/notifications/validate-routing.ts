/**
 * @module validate-routing
 * Checks routing rules when the manager is built, so a typo fails at start-up
 * instead of silently routing nothing.
 */
import { type AlertSeverity, SEVERITIES } from "../alerts/safety-alert.js";
import { InvalidConfigError } from "../errors.js";
import type { Routing } from "./routing.js";

/** Throws {@link InvalidConfigError} naming the first bad key of `routing`. */
export function validateRouting(routing: Routing): void {
  if (typeof routing === "function") return;
  if (!Array.isArray(routing)) {
    throw new InvalidConfigError(
      `NotificationManager: "routes" must be an array of rules or a function`,
    );
  }
  routing.forEach((route, i) => {
    const at = `routes[${i}]`;
    if (route === null || typeof route !== "object") {
      throw new InvalidConfigError(`NotificationManager: "${at}" must be an object`);
    }
    if (route.minSeverity !== undefined && !SEVERITIES.includes(route.minSeverity)) {
      throw new InvalidConfigError(
        `NotificationManager: "${at}.minSeverity" must be one of ${SEVERITIES.join(", ")}`,
        { details: { key: `${at}.minSeverity` } },
      );
    }
    if (
      route.severities !== undefined &&
      (!Array.isArray(route.severities) ||
        route.severities.some((s: unknown) => !SEVERITIES.includes(s as AlertSeverity)))
    ) {
      throw new InvalidConfigError(
        `NotificationManager: "${at}.severities" must list only ${SEVERITIES.join(", ")}`,
        { details: { key: `${at}.severities` } },
      );
    }
    if (
      !Array.isArray(route.channels) ||
      route.channels.some((c: unknown) => typeof c !== "string" || c === "")
    ) {
      throw new InvalidConfigError(
        `NotificationManager: "${at}.channels" must be an array of channel names`,
        { details: { key: `${at}.channels` } },
      );
    }
  });
}
