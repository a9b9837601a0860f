/**
 * @module local-servers
 * The local stand-ins this example sends to: a real SMTP server (smtp-server, parsed with
 * mailparser), a fake Slack and a Standard Webhooks receiver (from @safeguards/core/testing).
 */
import type { AddressInfo } from "node:net";
import { startFakeSlack, startWebhookReceiver } from "@safeguards/core/testing";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A local SMTP server that accepts user `alerts` / `local-password` and keeps parsed mail. */
export async function startMailbox() {
  const mails: { to: string[]; parsed: ParsedMail }[] = [];
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 50,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true, // local demo only: production servers offer TLS (useTls: true)
    onAuth(auth, _session, callback) {
      const ok = auth.username === "alerts" && auth.password === "local-password";
      callback(ok ? null : new Error("Invalid login"), ok ? { user: auth.username } : undefined);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Starts every local server. */
export async function startLocalServers(webhookSecret: string) {
  const [mailbox, slack, receiver] = await Promise.all([
    startMailbox(),
    startFakeSlack(),
    startWebhookReceiver(webhookSecret),
  ]);
  return {
    mailbox,
    slack,
    receiver,
    close: () => Promise.all([mailbox.close(), slack.close(), receiver.close()]),
  };
}
