/**
 * @module routing
 * Which channels an alert goes to: by severity, configured in code.
 */
import { type AlertSeverity, type SafetyAlert, SEVERITIES } from "../alerts/safety-alert.js";

/**
 * One routing rule: an alert that matches it goes to `channels`.
 * A rule with neither `minSeverity` nor `severities` matches every alert; with both,
 * an alert must satisfy both.
 */
export interface NotificationRoute {
  /** Matches alerts of this severity or more serious (`"ERROR"` matches ERROR and CRITICAL). */
  minSeverity?: AlertSeverity;
  /** Matches alerts of exactly these severities. */
  severities?: readonly AlertSeverity[];
  /** Channel names (as registered) that matching alerts go to. */
  channels: readonly string[];
}

/**
 * Routing as a function: returns the channel names for `alert`, or `undefined` to fall
 * back to the manager's default (every registered channel, or `defaultChannels`).
 * An empty array means "no channel".
 */
export type RouteFunction = (alert: SafetyAlert) => readonly string[] | undefined;

/** Routing configuration: a list of rules or a function. */
export type Routing = readonly NotificationRoute[] | RouteFunction;

function rank(severity: AlertSeverity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `route` matches `alert`. */
export function routeMatches(route: NotificationRoute, alert: SafetyAlert): boolean {
  if (route.minSeverity !== undefined && rank(alert.severity) < rank(route.minSeverity)) {
    return false;
  }
  if (route.severities !== undefined && !route.severities.includes(alert.severity)) {
    return false;
  }
  return true;
}

/**
 * The channel names `routing` selects for `alert`: the union of the channels of every
 * matching rule, in order, without repeats. `undefined` when nothing matched (or the
 * function returned `undefined`), meaning "use the default".
 */
export function resolveRoute(routing: Routing, alert: SafetyAlert): string[] | undefined {
  if (typeof routing === "function") {
    const names = routing(alert);
    return names === undefined ? undefined : [...new Set(names)];
  }
  const selected = new Set<string>();
  let matched = false;
  for (const route of routing) {
    if (!routeMatches(route, alert)) continue;
    matched = true;
    for (const name of route.channels) selected.add(name);
  }
  return matched ? [...selected] : undefined;
}
