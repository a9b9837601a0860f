import { describe, expect, it } from "vitest";
import {
  createAlert,
  createManualClock,
  ErrorCode,
  HumanActionHandler,
  InProcessApprovalChannel,
  isSafeguardsError,
} from "../src/index.js";

const alert = () => createAlert({ title: "t", description: "d", severity: "INFO" });

describe("InProcessApprovalChannel", () => {
  it("records alerts, and returns false and records nothing after shutdown", () => {
    const channel = new InProcessApprovalChannel();
    channel.initialize({});
    expect(channel.sendNotification(alert())).toBe(true);
    expect(channel.notifications).toHaveLength(1);
    channel.shutdown();
    expect(channel.sendNotification(alert())).toBe(false);
    expect(channel.notifications).toHaveLength(1);
  });

  it("refuses a snake_case key naming the camelCase one, and any other key naming it", () => {
    const channel = new InProcessApprovalChannel();
    let error: unknown;
    try {
      channel.initialize({ timeout_seconds: 5 });
    } catch (e) {
      error = e;
    }
    expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect((error as Error).message).toContain('"timeoutSeconds"');
    expect(() => channel.initialize({ timeoutSeconds: 5 })).toThrow(/timeoutSeconds/);
  });

  it("refuses requests after shutdown", async () => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock });
    channel.shutdown();
    await expect(
      handler.requestAction({ title: "t", description: "d", agentId: "a" }),
    ).rejects.toBeTruthy();
    expect(channel.pending()).toEqual([]);
  });
});
