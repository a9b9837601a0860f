/**
 * @module contract/resume-contract
 * The resume contract of approval interrupts, one set of tests run against every subject:
 * both adapters (`createApprovalNode`, `approvalMiddleware`), with and without `oneAtATime`,
 * in-process and on the official LangGraph server driven by the official SDK. The resume
 * values are the ones real clients send: Agent Chat UI (`{ type: "accept", args: null }`),
 * Agent Inbox (`[humanResponse]`), LangChain `HITLResponse`, and keyed maps.
 */
import { describe, expect, it } from "vitest";
import type { ScriptedCall } from "./agents.js";

/** What a resume answered. */
export type ResumeAnswer = { ok: true } | { ok: false; message: string; code?: string };

/** One paused thread of a subject. */
export interface ContractThread {
  /** Sends `value` as `Command({ resume: value })`, as a client does (no strict flag). */
  resume(value: unknown): Promise<ResumeAnswer>;
  /** Runs the thread on with no resume value (a generic "continue"). */
  continueRun(): Promise<ResumeAnswer>;
  /** The pending approvals, in task order. */
  pending(): Promise<{ interruptId: string; toolCallId: string }[]>;
  /** Tool results by tool call id: whether the tool ran, its content, how many ToolMessages. */
  results(): Promise<Record<string, { ran: boolean; content: string; count: number }>>;
}

/** An agent under test. */
export interface ContractSubject {
  name: string;
  oneAtATime: boolean;
  /** Starts a thread whose model makes `calls`; resolves once it waits (or finished). */
  start(calls: ScriptedCall[]): Promise<ContractThread>;
}

const small: ScriptedCall = {
  name: "transfer_funds",
  args: { amount: "2500.00", to: "ACME" },
  id: "call_small",
};
const big: ScriptedCall = {
  name: "transfer_funds",
  args: { amount: "90000.00", to: "EVIL" },
  id: "call_big",
};
const read: ScriptedCall = { name: "get_balance", args: {}, id: "call_read" };
const edit = (amount: string) => ({
  type: "edit",
  editedAction: { name: "transfer_funds", args: { amount, to: "ACME" } },
});
const UNKNOWN_ID = "0123456789abcdef0123456789abcdef";

/** The contract, as a `describe` block for `subject`. */
export function describeResumeContract(subject: ContractSubject, timeout = 30_000): void {
  const idOf = async (t: ContractThread, toolCallId: string) => {
    const p = (await t.pending()).find((x) => x.toolCallId === toolCallId);
    expect(p, `${toolCallId} is pending`).toBeDefined();
    return p!.interruptId;
  };
  const expectRefused = (answer: ResumeAnswer, pattern: RegExp) => {
    expect(answer.ok, "the resume is refused").toBe(false);
    expect((answer as { message: string }).message).toMatch(pattern);
  };
  /** Both transfers pending at once (default) or the first of them (`oneAtATime`). */
  const startTwo = async () => {
    const t = await subject.start([small, big, read]);
    return { t, before: await t.pending() };
  };

  describe(`resume contract: ${subject.name}`, { timeout }, () => {
    it("surfaces every flagged call at once, or exactly one with oneAtATime; un-flagged calls are not asked about", async () => {
      const { t, before } = await startTwo();
      expect(before.map((p) => p.toolCallId)).toEqual(
        subject.oneAtATime ? ["call_small"] : ["call_small", "call_big"],
      );
      expect(new Set(before.map((p) => p.interruptId)).size).toBe(before.length);
      const results = await t.results();
      expect(results.call_small).toBeUndefined();
      expect(results.call_big).toBeUndefined();
    });

    if (!subject.oneAtATime) {
      it("refuses every un-keyed resume while two approvals wait (Agent Chat UI, HITLResponse, Agent Inbox, edit); nothing is saved", async () => {
        const { t, before } = await startTwo();
        const unkeyed = [
          { type: "accept", args: null },
          { decisions: [{ type: "approve" }] },
          [{ type: "accept", args: null }],
          {
            type: "edit",
            args: { action: "transfer_funds", args: { amount: "1800.00", to: "ACME" } },
          },
        ];
        for (const value of unkeyed) {
          const answer = await t.resume(value);
          expectRefused(answer, /2 approvals are pending/);
          const message = (answer as { message: string }).message;
          for (const p of before) expect(message).toContain(p.interruptId);
          expect(message).toContain("call_small");
          expect(message).toContain("call_big");
          expect(message).toMatch(/nothing was saved/);
          expect(await t.pending()).toEqual(before);
        }
        const results = await t.results();
        expect(results.call_small).toBeUndefined();
        expect(results.call_big).toBeUndefined();
        // The keyed form the error shows works, and only what each decision names runs.
        const answer = await t.resume({
          [await idOf(t, "call_small")]: { type: "approve" },
          [await idOf(t, "call_big")]: { type: "reject", message: "unknown payee" },
        });
        expect(answer).toEqual({ ok: true });
        const done = await t.results();
        expect(done.call_small).toMatchObject({ ran: true, count: 1 });
        expect(done.call_small!.content).toContain("Transferred 2500.00 to ACME");
        expect(done.call_big).toMatchObject({ ran: false, count: 1 });
        expect(done.call_big!.content).toContain("unknown payee");
        expect(done.call_read).toMatchObject({ ran: true, count: 1 });
      });

      it("a refused keyed resume is atomic: the valid half is not kept; answering again works", async () => {
        const { t, before } = await startTwo();
        const smallId = await idOf(t, "call_small");
        const bigId = await idOf(t, "call_big");
        const refused = await t.resume({ [smallId]: edit("lots"), [bigId]: { type: "approve" } });
        expectRefused(refused, /amount/);
        expectRefused(refused, /nothing of it was saved/);
        expect(await t.pending()).toEqual(before);
        const answer = await t.resume({
          [smallId]: { type: "reject", message: "no" },
          [bigId]: { type: "reject", message: "no" },
        });
        expect(answer).toEqual({ ok: true });
        const done = await t.results();
        expect(done.call_small).toMatchObject({ ran: false, count: 1 });
        expect(done.call_big).toMatchObject({ ran: false, count: 1 });
      });

      it("the reverse: a refused resume loses no approval, and a partial answer leaves the other waiting", async () => {
        const { t } = await startTwo();
        const smallId = await idOf(t, "call_small");
        const bigId = await idOf(t, "call_big");
        expectRefused(
          await t.resume({ [smallId]: { type: "approve" }, [bigId]: edit("lots") }),
          /amount/,
        );
        expect(await t.resume({ [bigId]: { type: "reject", message: "no" } })).toEqual({
          ok: true,
        });
        expect((await t.pending()).map((p) => p.toolCallId)).toEqual(["call_small"]);
        expect((await t.results()).call_small).toBeUndefined();
        // The answered call's id is stale now: refused, and the waiting one is untouched.
        expectRefused(await t.resume({ [bigId]: { type: "approve" } }), /not pending/);
        expect((await t.pending()).map((p) => p.toolCallId)).toEqual(["call_small"]);
        expect(await t.resume({ [await idOf(t, "call_small")]: { type: "approve" } })).toEqual({
          ok: true,
        });
        const done = await t.results();
        expect(done.call_small).toMatchObject({ ran: true, count: 1 });
        expect(done.call_big).toMatchObject({ ran: false, count: 1 });
      });

      it("an un-keyed value refused earlier is never applied later (after a keyed answer, or on a plain continue)", async () => {
        const { t } = await startTwo();
        expectRefused(await t.resume({ type: "accept", args: null }), /2 approvals are pending/);
        expect(
          await t.resume({ [await idOf(t, "call_small")]: { type: "reject", message: "no" } }),
        ).toEqual({ ok: true });
        expect((await t.pending()).map((p) => p.toolCallId)).toEqual(["call_big"]);
        await t.continueRun();
        expect((await t.pending()).map((p) => p.toolCallId)).toEqual(["call_big"]);
        expect((await t.results()).call_big).toBeUndefined();
      });
    }

    if (subject.oneAtATime) {
      it("oneAtATime: un-keyed answers (Agent Inbox array, Agent Chat UI object) decide exactly the card shown, in turn", async () => {
        const { t, before } = await startTwo();
        expect(await t.resume([{ type: "accept", args: null }])).toEqual({ ok: true });
        const next = await t.pending();
        expect(next.map((p) => p.toolCallId)).toEqual(["call_big"]);
        expect(next[0]!.interruptId).not.toBe(before[0]!.interruptId);
        expect((await t.results()).call_small).toBeUndefined(); // runs after the last answer
        expect(await t.resume({ type: "ignore", args: null })).toEqual({ ok: true });
        expect(await t.pending()).toEqual([]);
        const done = await t.results();
        expect(done.call_small).toMatchObject({ ran: true, count: 1 });
        expect(done.call_big).toMatchObject({ ran: false, count: 1 });
        expect(done.call_read).toMatchObject({ ran: true, count: 1 });
      });

      it("oneAtATime: a refused answer leaves the same card waiting", async () => {
        const { t, before } = await startTwo();
        expectRefused(
          await t.resume([
            {
              type: "edit",
              args: { action: "transfer_funds", args: { amount: "lots", to: "ACME" } },
            },
          ]),
          /amount/,
        );
        expect(await t.pending()).toEqual(before);
        expect(await t.resume({ type: "reject", message: "no" })).toEqual({ ok: true });
        expect((await t.pending()).map((p) => p.toolCallId)).toEqual(["call_big"]);
      });
    }

    it("with one approval pending, an un-keyed answer decides it: Agent Chat UI accept, Agent Inbox edit / response / ignore", async () => {
      const accept = await subject.start([small, read]);
      expect(await accept.resume({ type: "accept", args: null })).toEqual({ ok: true });
      expect((await accept.results()).call_small).toMatchObject({ ran: true, count: 1 });

      const edited = await subject.start([small]);
      const answer = await edited.resume([
        {
          type: "edit",
          args: { action: "transfer_funds", args: { amount: "1800.00", to: "ACME" } },
        },
      ]);
      expect(answer).toEqual({ ok: true });
      const editedResult = (await edited.results()).call_small!;
      expect(editedResult).toMatchObject({ ran: true, count: 1 });
      expect(editedResult.content).toContain("Transferred 1800.00 to ACME");

      const responded = await subject.start([small]);
      expect(
        await responded.resume([{ type: "response", args: "call the customer first" }]),
      ).toEqual({ ok: true });
      const reply = (await responded.results()).call_small!;
      expect(reply).toMatchObject({ ran: false, count: 1 });
      expect(reply.content).toContain("call the customer first");

      const ignored = await subject.start([small]);
      expect(await ignored.resume({ type: "ignore", args: null })).toEqual({ ok: true });
      expect((await ignored.results()).call_small).toMatchObject({ ran: false, count: 1 });
    });

    it("refuses unknown or stale interrupt ids and malformed decisions, and saves nothing", async () => {
      const t = await subject.start([small]);
      const before = await t.pending();
      const id = before[0]!.interruptId;
      expectRefused(await t.resume({ [UNKNOWN_ID]: { type: "approve" } }), /not pending/);
      expectRefused(
        await t.resume({ [id]: { type: "approve" }, [UNKNOWN_ID]: { type: "approve" } }),
        /not pending/,
      );
      expectRefused(await t.resume({ type: "maybe" }), /no accepted shape/);
      expectRefused(
        await t.resume({
          [id]: { type: "edit", editedAction: { name: "delete_everything", args: {} } },
        }),
        /renames the tool/,
      );
      expect(await t.pending()).toEqual(before);
      expect((await t.results()).call_small).toBeUndefined();
      expect(await t.resume({ [id]: { type: "approve" } })).toEqual({ ok: true });
      expect((await t.results()).call_small).toMatchObject({ ran: true, count: 1 });
    });
  });
}
