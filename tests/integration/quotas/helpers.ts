// Fixtures for the quota and resource tests: an operator with an API key, and instants to drive
// the (simulated) clock of deployments and fine-tuning jobs.
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/keys/create-api-key";
import { createAccountFixture } from "../../helpers/fixtures";

let counter = 0;

export async function createOperatorFixture(): Promise<{ userId: string; apiKey: string }> {
  const home = await createAccountFixture({ name: "Platform staff" });
  const user = await db().user.create({
    data: { email: `operator-${process.pid}-${++counter}@example.test`, passwordHash: "not-used", isOperator: true },
    select: { id: true },
  });
  const key = await createApiKey(home.accountId, "operator", user.id);
  return { userId: user.id, apiKey: key.secret };
}

/** A fixed instant in a month of its own, so the tests' spend is the only spend in that period. */
export const T0 = new Date("2031-03-10T12:00:10.000Z");

export const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
export const minutes = (n: number) => n * 60_000;
