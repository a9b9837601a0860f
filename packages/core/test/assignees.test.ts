import { describe, expect, it } from "vitest";
import {
  addAssignees,
  assigneesAfterEscalation,
  dueEscalationSteps,
  isAssignee,
  nextEscalationAt,
} from "../src/actions/assignees.js";

describe("isAssignee", () => {
  it("lets everyone decide when there are no assignees", () => {
    expect(isAssignee({ name: "alice" }, null)).toBe(true);
    expect(isAssignee({ name: "alice" }, undefined)).toBe(true);
  });

  it("matches names and group entries, nothing else", () => {
    const assignees = ["bob", "group:finance"];
    expect(isAssignee({ name: "bob" }, assignees)).toBe(true);
    expect(isAssignee({ name: "carol", groups: ["finance"] }, assignees)).toBe(true);
    expect(isAssignee({ name: "dave", groups: ["sales"] }, assignees)).toBe(false);
    // A reviewer named like a group entry, or a group named like a person, does not match.
    expect(isAssignee({ name: "finance" }, assignees)).toBe(false);
    expect(isAssignee({ name: "erin", groups: ["bob"] }, assignees)).toBe(false);
    expect(isAssignee({ name: "Bob" }, assignees)).toBe(false);
  });
});

describe("escalation steps", () => {
  const steps = [{ afterSeconds: 60 }, { afterSeconds: 120 }, { afterSeconds: 600 }];

  it("answers the due steps in order, each once", () => {
    expect(dueEscalationSteps(steps, 0, 1000, 1000 + 59_999)).toEqual([]);
    expect(dueEscalationSteps(steps, 0, 1000, 1000 + 60_000)).toEqual([0]);
    expect(dueEscalationSteps(steps, 0, 1000, 1000 + 200_000)).toEqual([0, 1]);
    expect(dueEscalationSteps(steps, 2, 1000, 1000 + 200_000)).toEqual([]);
    expect(dueEscalationSteps(steps, 3, 1000, 1e12)).toEqual([]);
  });

  it("answers when the next step is due", () => {
    expect(nextEscalationAt(steps, 0, 1000)).toBe(61_000);
    expect(nextEscalationAt(steps, 2, 1000)).toBe(601_000);
    expect(nextEscalationAt(steps, 3, 1000)).toBeNull();
  });

  it("adds assignees without dropping or repeating earlier ones; everyone stays everyone", () => {
    expect(addAssignees(["group:finance", "bob"], ["group:cfo", "bob"])).toEqual([
      "group:finance",
      "bob",
      "group:cfo",
    ]);
    expect(addAssignees(null, ["group:cfo"])).toBeNull();
  });

  it("gives the assignees after every step (who may ever decide); everyone stays everyone", () => {
    const plan = [{ assignees: ["group:cfo", "bob"] }, { assignees: ["carol"] }];
    expect(assigneesAfterEscalation(["bob"], plan)).toEqual(["bob", "group:cfo", "carol"]);
    expect(assigneesAfterEscalation(["bob"], null)).toEqual(["bob"]);
    expect(assigneesAfterEscalation(null, plan)).toBeNull();
  });
});
