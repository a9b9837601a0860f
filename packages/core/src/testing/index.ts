/**
 * @module @safeguards/core/testing
 * Test helpers for channel authors: the shared channel conformance suite (needs Vitest).
 */
export type {
  ChannelConformanceOptions,
  ConformanceTransport,
  InvalidConfigCase,
  ReceivedMessage,
  TransportMode,
} from "./channel-conformance.js";
export {
  CONFORMANCE_MARKER,
  describeChannelConformance,
  untrustedAlert,
} from "./channel-conformance.js";
export type { FakeSlack, FakeSlackMessage } from "./fake-slack.js";
export { slackPayloadProblem, startFakeSlack } from "./fake-slack.js";
export type { HostileSchema } from "./hostile-schemas.js";
export { HOSTILE_SCHEMAS } from "./hostile-schemas.js";
export type {
  DefaultHandler,
  HttpTestServer,
  RecordedRequest,
  ScriptedReply,
} from "./http-test-server.js";
export { startHttpTestServer } from "./http-test-server.js";
export type { WebhookDelivery, WebhookReceiver } from "./webhook-receiver.js";
export { startWebhookReceiver } from "./webhook-receiver.js";
