// Pure helpers of the notifications list: kind labels, day headings, and the keyset cursor of its pages.
import { describe, expect, it } from "vitest";
import { groupByDay, nextCursor, notificationKind, notificationsPath } from "@/components/notifications/format";

describe("notification kinds", () => {
  it("names the known kinds and marks budget alerts", () => {
    expect(notificationKind("budget_alert")).toEqual({ label: "Budget alert", tone: "warning", budget: true });
    expect(notificationKind("low_credits").budget).toBe(true);
    expect(notificationKind("account_suspended")).toMatchObject({ label: "Suspended", tone: "danger", budget: false });
    expect(notificationKind("quota_request_approved").tone).toBe("success");
    expect(notificationKind("fine_tuning_paused")).toMatchObject({ label: "Fine-tuning paused", tone: "warning" });
  });

  it("reads an unknown kind as words", () => {
    expect(notificationKind("something_new")).toEqual({ label: "Something new", tone: "neutral", budget: false });
    expect(notificationKind("")).toMatchObject({ label: "Notification" });
    // Names an object already has are not kinds.
    expect(notificationKind("constructor")).toEqual({ label: "Constructor", tone: "neutral", budget: false });
  });
});

describe("pages of notifications", () => {
  const n = (id: string, createdAt: string) => ({ id, createdAt });

  it("continues after the last item of a full page, by its time and id", () => {
    const page = [n("c", "2026-03-02T10:00:00.000Z"), n("b", "2026-03-02T09:00:00.000Z")];
    expect(nextCursor(page, 2)).toEqual({ before: "2026-03-02T09:00:00.000Z", beforeId: "b" });
    expect(nextCursor(page, 3)).toBeUndefined(); // a short page is the last
    expect(nextCursor([], 50)).toBeUndefined();
  });

  it("builds the query", () => {
    expect(notificationsPath(5)).toBe("/api/v1/notifications?limit=5");
    expect(notificationsPath(50, { before: "2026-03-02T09:00:00.000Z", beforeId: "b" })).toBe(
      "/api/v1/notifications?limit=50&before=2026-03-02T09%3A00%3A00.000Z&beforeId=b",
    );
  });
});

describe("day headings", () => {
  it("groups newest-first items under Today, Yesterday and dates, in the given time zone", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    const items = [
      { id: "1", createdAt: "2026-03-10T08:00:00Z" },
      { id: "2", createdAt: "2026-03-10T00:30:00Z" },
      { id: "3", createdAt: "2026-03-09T23:00:00Z" },
      { id: "4", createdAt: "2026-03-01T10:00:00Z" },
    ];
    expect(groupByDay(items, now, "UTC").map((g) => [g.heading, g.items.map((i) => i.id)])).toEqual([
      ["Today", ["1", "2"]],
      ["Yesterday", ["3"]],
      ["1 Mar 2026", ["4"]],
    ]);
    // In New York (UTC−5) the 00:30 UTC one is still the 9th.
    expect(groupByDay(items, now, "America/New_York").map((g) => [g.heading, g.items.map((i) => i.id)])).toEqual([
      ["Today", ["1"]],
      ["Yesterday", ["2", "3"]],
      ["1 Mar 2026", ["4"]],
    ]);
  });
});
