// GET /api/v1/notifications pages by keyset (createdAt, id): notifications stored at one instant
// (budget alerts written by one statement) are neither skipped nor repeated at a page boundary.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import * as notificationsRoute from "@/app/api/v1/notifications/route";

setupTestDatabase();

describe("notifications pages", () => {
  it("walks every notification once with before + beforeId, even when they share a createdAt", async () => {
    const acct = await createAccountFixture();
    const same = new Date("2030-07-01T10:00:00.000Z");
    const older = new Date("2030-07-01T09:00:00.000Z");
    await db().notification.createMany({
      data: [
        ...[1, 2, 3, 4].map((i) => ({
          accountId: acct.accountId,
          kind: "budget_alert",
          title: `same ${i}`,
          body: "",
          dedupeKey: `p:${acct.accountId}:${i}`,
          createdAt: same,
        })),
        {
          accountId: acct.accountId,
          kind: "low_credits",
          title: "older",
          body: "",
          dedupeKey: `p:${acct.accountId}:old`,
          createdAt: older,
        },
      ],
    });
    const seen: string[] = [];
    let path = "/api/v1/notifications?limit=2";
    for (let page = 0; page < 10; page++) {
      const res = await callRoute(notificationsRoute.GET, { apiKey: acct.apiKey, path });
      expect(res.status).toBe(200);
      const items = res.body.notifications as { id: string; title: string; createdAt: string }[];
      seen.push(...items.map((n) => n.title));
      if (items.length < 2) break;
      const last = items[items.length - 1]!;
      path = `/api/v1/notifications?limit=2&before=${encodeURIComponent(last.createdAt)}&beforeId=${encodeURIComponent(last.id)}`;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen[4]).toBe("older");
  });

  it("refuses beforeId without before", async () => {
    const acct = await createAccountFixture();
    const res = await callRoute(notificationsRoute.GET, { apiKey: acct.apiKey, path: "/api/v1/notifications?beforeId=x" });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("beforeId");
  });
});
