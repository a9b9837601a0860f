/** The CLI's `--smtp-url` / `SAFEGUARDS_SMTP_URL`. */
import { describe, expect, it } from "vitest";
import { parseSmtpUrl } from "../src/cli/smtp-url.js";

describe("parseSmtpUrl", () => {
  it("reads TLS mode, port, credentials and the clear-text opt-out", () => {
    expect(parseSmtpUrl("--smtp-url", "smtps://in%40box:p%2Fw@mail.example.com")).toEqual({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "in@box", pass: "p/w" },
    });
    expect(parseSmtpUrl("--smtp-url", "smtp://mail.example.com")).toEqual({
      host: "mail.example.com",
      port: 587,
      secure: false,
    });
    expect(parseSmtpUrl("X", "smtp://127.0.0.1:2525?require_tls=false")).toEqual({
      host: "127.0.0.1",
      port: 2525,
      secure: false,
      requireTls: false,
    });
    expect(parseSmtpUrl("X", "smtp://[::1]:25").host).toBe("::1");
  });

  it("refuses what is not an SMTP URL, naming the setting", () => {
    expect(() => parseSmtpUrl("SAFEGUARDS_SMTP_URL", "mail.example.com")).toThrow(
      /SAFEGUARDS_SMTP_URL must be a URL/,
    );
    expect(() => parseSmtpUrl("--smtp-url", "http://mail.example.com")).toThrow(/smtp:\/\//);
    expect(() => parseSmtpUrl("--smtp-url", "smtp://h?require_tls=no")).toThrow(/require_tls/);
  });
});
