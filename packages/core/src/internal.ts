/**
 * @module @safeguards/core/internal
 * Plumbing that Safeguards' own packages and tests share but users do not need: not covered
 * by semver. Users import `@safeguards/core` (and its `interrupts` and `testing` subpaths).
 */
export type { HttpFailure, InboxClientOptions } from "./channels/hitl/inbox-client.js";
export { InboxClient } from "./channels/hitl/inbox-client.js";
