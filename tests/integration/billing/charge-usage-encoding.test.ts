// The meter's batch travels as hand-built PostgreSQL array literals: whatever a text holds (quotes,
// backslashes, commas, braces, the word NULL, non-ASCII) comes back from the database unchanged,
// and nulls stay nulls.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db, directQuery } from "@/lib/db";
import { usd } from "@/lib/money";
import { chargeUsageBatch, usageRecordId } from "@/lib/billing/charge-usage-batch";
import { arrayLiteral } from "@/lib/db/array-literal";
import { grantCredits } from "@/lib/billing/grant-credits";

setupTestDatabase();

const AWKWARD = ['a "quoted" name', "back\\slash", "trailing\\", "comma, {brace}", "NULL", "", " spaced ", "ünïcødé ✓", 'mix \\" both'];

describe("usage batch encoding", () => {
  it("text, int, bigint and boolean arrays round-trip through the database", async () => {
    const rows = await directQuery({
      name: "encoding_roundtrip_v1",
      text: "SELECT $1::text[] AS t, $2::bigint[] AS b, $3::boolean[] AS f",
      values: [
        arrayLiteral("text", [...AWKWARD, null]),
        arrayLiteral("int", ["9007199254740993", "0", "-5"]),
        arrayLiteral("bool", [true, false]),
      ],
    });
    expect(rows[0]!.t).toEqual([...AWKWARD, null]);
    expect((rows[0]!.b as unknown[]).map(String)).toEqual(["9007199254740993", "0", "-5"]);
    expect(rows[0]!.f).toEqual([true, false]);
  });

  it("a charge for a model with an awkward name is stored with its name and description intact", async () => {
    await seedModelsFixture();
    const model = await db().model.findFirstOrThrow({ select: { id: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    await grantCredits({ accountId: acct.accountId, amountMicros: usd(5), idempotencyKey: "cs_encoding", kind: "credit_purchase" });
    const name = 'odd "model", {v2}\\NULL';
    const result = await chargeUsageBatch([
      usageChargeFixture(
        "req_encoding_1",
        acct.accountId,
        { id: model.id, name },
        {
          promptTokens: 10,
          completionTokens: 5,
          costMicros: 1_234n,
          overLimit: true,
          abandoned: true,
          latencyMs: 7,
        },
      ),
    ]);
    expect(result.charged).toBe(1);
    const entry = await db().ledgerEntry.findUniqueOrThrow({ where: { idempotencyKey: "usage:req_encoding_1" } });
    expect(entry.modelName).toBe(name);
    expect(entry.description).toBe(`${name}: 10 prompt + 5 completion tokens (abandoned by the client)`); // a plain response
    expect(entry.amountMicros).toBe(-1_234n);
    const usage = await db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId("req_encoding_1") } });
    expect([usage.apiKeyId, usage.overLimit, usage.abandoned, usage.latencyMs]).toEqual([null, true, true, 7]);
  });

  it("a batch that names an account that does not exist writes nothing for it, and charges the others", async () => {
    // The usage tables have no foreign keys (see the schema): the statement itself keeps them out.
    const model = await db().model.findFirstOrThrow({ select: { id: true, name: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = (requestId: string, accountId: string) => usageChargeFixture(requestId, accountId, model, { costMicros: 10n });
    const result = await chargeUsageBatch([charge("req_ghost_1", "acct_does_not_exist"), charge("req_real_1", acct.accountId)]);
    expect(result.charged).toBe(1);
    expect(await db().usageRecord.count({ where: { accountId: "acct_does_not_exist" } })).toBe(0);
    expect(await db().ledgerEntry.count({ where: { accountId: "acct_does_not_exist" } })).toBe(0);
    expect(await db().usageRecord.count({ where: { requestId: "req_real_1" } })).toBe(1);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(10n);
  });

  it("a usage record's id is its request id (the one unique key): the database refuses any other", async () => {
    const model = await db().model.findFirstOrThrow({ select: { id: true, name: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsageBatch([usageChargeFixture("req_keyed_1", acct.accountId, model, { costMicros: 10n })]);
    const insert = (id: string, requestId: string) =>
      directQuery({
        name: "test_usage_record_insert",
        text: `INSERT INTO "UsageRecord" ("id", "requestId", "accountId", "modelId", "promptTokens", "completionTokens", "costMicros", "latencyMs")
               VALUES ($1, $2, $3, $4, 1, 1, 1, 1)`,
        values: [id, requestId, acct.accountId, model.id],
      });
    await expect(insert("ur_other", "req_keyed_1")).rejects.toMatchObject({ code: "23514" }); // a second record for the request
    await expect(insert("ur_req_keyed_1", "req_keyed_1")).rejects.toMatchObject({ code: "23505" });
    expect(await db().usageRecord.count({ where: { requestId: "req_keyed_1" } })).toBe(1);
  });
});
