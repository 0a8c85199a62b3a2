// A stream the client abandons is charged for what was generated (issue #4, SPEC §7 "exactly
// once, also for streams the client abandons"): through both entry points, a client reads a few
// chunks of a slow answer and hangs up; the usage record says abandoned, counts the tokens
// generated up to then (not the whole answer, not none), and the ledger charges exactly that.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer, type EntryPoint } from "../../helpers/gateway-server";
import { closeGateway } from "@/lib/gateway/context";
import { db } from "@/lib/db";
import { usageRecordId } from "@/lib/billing/charge-usage-batch";
import { requestCostMicros } from "@/lib/money";

setupTestDatabase();
afterAll(() => closeGateway());

describe.each<EntryPoint>(["fast-path", "route-handler"])("a stream abandoned by its client, via the %s", (entry) => {
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await startGatewayServer(entry);
  });
  afterAll(() => server.close());

  it("is charged for the tokens generated before the client left", async () => {
    // 20 tokens a second, 60 asked for: the whole answer would take up to 3 s.
    const model = await createModelFixture({ tokensPerSecond: 20, firstTokenMs: 0 });
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: 1_000_000n });
    const abort = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: model.name,
        messages: [{ role: "user", content: "Tell me a long story." }],
        max_tokens: 60,
        stream: true,
      }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    let received = "";
    while ((received.match(/"content":"[^"]/g) ?? []).length < 4) received += new TextDecoder().decode((await reader.read()).value);
    abort.abort(); // hang up after a few tokens
    await reader.cancel().catch(() => undefined);

    let record = null;
    for (let i = 0; i < 100 && !record; i++) {
      record = await db().usageRecord.findUnique({ where: { id: usageRecordId(requestId) } });
      if (!record) await new Promise((r) => setTimeout(r, 50));
    }
    expect(record).not.toBeNull();
    expect(record).toMatchObject({ streamed: true, abandoned: true });
    expect(record!.completionTokens).toBeGreaterThanOrEqual(4);
    expect(record!.completionTokens).toBeLessThan(60);
    expect(record!.costMicros).toBe(requestCostMicros(record!.promptTokens, record!.completionTokens, 1_000_000n, 2_000_000n));
    const charge = await db().ledgerEntry.findUniqueOrThrow({ where: { idempotencyKey: `usage:${requestId}` } });
    expect(charge.amountMicros).toBe(-record!.costMicros);
    expect(charge.description).toContain("(stream abandoned)");
  });
});
