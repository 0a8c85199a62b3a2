// Notification e-mail over real SMTP (nodemailer → an smtp-server listening on loopback): what the
// owner receives, and a refused or unreachable server leaving the notification to the next run.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { deliverPendingEmails } from "@/lib/alerts/deliver-emails";
import { setMailer, smtpMailer } from "@/lib/alerts/mailer";
import { chargeUsage } from "./helpers";

setupTestDatabase();
afterEach(() => setMailer(null));

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
/** Recipients the server refuses with 550 (a mailbox that does not exist). */
const refuse = new Set<string>();
let server: SMTPServer;
let url: string;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const FROM = "Headroom Alerts <alerts@headroom.test>";

describe("notification e-mail over SMTP", () => {
  it("sends each new notification to the account's owners, once, with a readable subject and body", async () => {
    const acct = await createAccountFixture({ tier: "tier1", name: "Mail Co" });
    const now = new Date();
    await chargeUsage(acct.accountId, usd(30), now);
    setMailer(smtpMailer(url, FROM));
    const first = await deliverPendingEmails({ now });
    expect(first.failed).toBe(0);
    const mine = received.filter((m) => m.to.includes(acct.ownerEmail));
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;
    expect(mail.from).toBe("alerts@headroom.test");
    expect(mail.raw).toMatch(/^From: Headroom Alerts <alerts@headroom\.test>\r?$/m);
    expect(mail.raw).toMatch(new RegExp(`^To: ${acct.ownerEmail.replace(/[.+]/g, "\\$&")}\\r?$`, "m"));
    expect(mail.raw).toMatch(/^Subject: \[Headroom\] 50% of your monthly spend limit used\r?$/m);
    expect(mail.raw).toContain("Account: Mail Co");
    // Claimed: a second run sends nothing more.
    const before = received.length;
    expect(await deliverPendingEmails({ now })).toEqual({ sent: 0, failed: 0 });
    expect(received.length).toBe(before);
  });

  it("a refused recipient leaves the notification unsent; the next run delivers it", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const now = new Date();
    await chargeUsage(acct.accountId, usd(30), now);
    refuse.add(acct.ownerEmail);
    setMailer(smtpMailer(url, FROM));
    const refused = await deliverPendingEmails({ now });
    expect(refused.failed).toBeGreaterThanOrEqual(1);
    const pending = await db().notification.count({ where: { accountId: acct.accountId, emailedAt: null } });
    expect(pending).toBeGreaterThanOrEqual(1);

    refuse.delete(acct.ownerEmail);
    await deliverPendingEmails({ now });
    expect(received.filter((m) => m.to.includes(acct.ownerEmail))).toHaveLength(pending);
    expect(await db().notification.count({ where: { accountId: acct.accountId, emailedAt: null } })).toBe(0);
  });

  it("an unreachable server fails the send without throwing, and the notification waits for the next run", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const now = new Date();
    await chargeUsage(acct.accountId, usd(30), now);
    // A port nothing listens on: connection refused.
    const closed = new SMTPServer({ logger: false });
    closed.listen(0, "127.0.0.1");
    await once(closed.server, "listening");
    const port = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    setMailer(smtpMailer(`smtp://127.0.0.1:${port}`, FROM));
    const result = await deliverPendingEmails({ now });
    expect(result.sent).toBe(0);
    expect(result.failed).toBeGreaterThanOrEqual(1);
    expect(await db().notification.count({ where: { accountId: acct.accountId, emailedAt: null } })).toBeGreaterThanOrEqual(1);
  });
});
