/**
 * The PostgreSQL notifier's payloads: small and ids only, oversized ones replaced by a bare
 * wake-up, an instance's own echo and kinds this version does not know ignored.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_NOTIFY_PAYLOAD,
  notifyPayload,
  readNotifyPayload,
} from "../src/inbox/notify-payload.js";

const ME = "origin-me";
const OTHER = "8c5b8f0e-5f0a-4c1e-9a53-0d6f3b1e2a77";
const ids = { agentId: "billing-bot", actionId: "act_0123456789abcdef" };

describe("notifier payloads", () => {
  it("writes each kind as a few ids, and reads it back on another instance", () => {
    const updated = notifyPayload(OTHER, { kind: "updated", ...ids });
    expect(JSON.parse(updated)).toEqual({ o: OTHER, k: "u", a: ids.agentId, i: ids.actionId });
    expect(JSON.parse(notifyPayload(OTHER, { kind: "created", ...ids }))).toMatchObject({ k: "c" });
    const decided = notifyPayload(OTHER, { kind: "decided", ...ids, decisionSeq: 42 });
    expect(JSON.parse(decided)).toEqual({ o: OTHER, a: ids.agentId, i: ids.actionId, s: 42 });
    // Ids only: well under a hundred bytes besides the ids themselves.
    expect(Buffer.byteLength(updated)).toBeLessThan(
      ids.agentId.length + ids.actionId.length + OTHER.length + 40,
    );
    expect(readNotifyPayload(updated, ME)).toEqual({ kind: "updated", ...ids });
    expect(readNotifyPayload(decided, ME)).toEqual({ kind: "decided", ...ids, decisionSeq: 42 });
    expect(readNotifyPayload(notifyPayload(OTHER, { kind: "created", ...ids }), ME)).toEqual({
      kind: "created",
      ...ids,
    });
  });

  it("replaces an oversized payload with a bare wake-up that makes the others resync", () => {
    const huge = {
      kind: "updated" as const,
      agentId: "a".repeat(MAX_NOTIFY_PAYLOAD),
      actionId: "x",
    };
    const payload = notifyPayload(OTHER, huge);
    expect(JSON.parse(payload)).toEqual({ o: OTHER });
    expect(readNotifyPayload(payload, ME)).toEqual({ kind: "resync" });
    // Multi-byte ids count in bytes, as NOTIFY does.
    const wide = notifyPayload(OTHER, { ...huge, agentId: "é".repeat(MAX_NOTIFY_PAYLOAD / 2) });
    expect(JSON.parse(wide)).toEqual({ o: OTHER });
  });

  it("ignores its own echo, unreadable payloads and kinds it does not know", () => {
    expect(readNotifyPayload(notifyPayload(ME, { kind: "updated", ...ids }), ME)).toEqual({
      kind: "ignore",
    });
    for (const payload of ["not json", "null", "42", '"text"', "[]"]) {
      expect(readNotifyPayload(payload, ME)).toEqual({ kind: "ignore" });
    }
    // A newer instance's kind: neither a decision nor a resync here.
    for (const k of ["x", "", 1, null]) {
      const payload = JSON.stringify({ o: OTHER, k, a: ids.agentId, i: ids.actionId });
      expect(readNotifyPayload(payload, ME)).toEqual({ kind: "ignore" });
    }
    // Ids of the wrong type: nothing can be named, so re-read.
    expect(readNotifyPayload(JSON.stringify({ o: OTHER, k: "u", a: 1, i: "x" }), ME)).toEqual({
      kind: "resync",
    });
    // A decision without a (numeric) sequence still wakes its waiters.
    const noSeq = JSON.stringify({ o: OTHER, a: ids.agentId, i: ids.actionId, s: "9" });
    expect(readNotifyPayload(noSeq, ME)).toEqual({ kind: "decided", ...ids, decisionSeq: 0 });
  });
});
