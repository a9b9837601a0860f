/**
 * @module @safeguards/server/testing
 * For tests of the inbox and of code around it (e.g. a Slack double): signs a Slack request
 * as Slack does, and lists the PostgreSQL schema migrations. Not covered by semver.
 */
export { slackSignature } from "./slack/slack-signature.js";
export { POSTGRES_MIGRATIONS } from "./store/postgres-migrations.js";
