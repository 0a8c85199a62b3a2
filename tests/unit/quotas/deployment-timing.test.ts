// A deployment's clock: start-up, UTC-minute alignment, which minutes are billable.
import { describe, expect, it } from "vitest";
import { MAX_MINUTES_PER_RUN, minutesToCharge, readyAt, readyIfStartedBy, stopInstant } from "@/lib/resources/deployments/timing";

const t = (iso: string) => new Date(iso);

describe("deployment timing", () => {
  it("is ready at the first whole minute after 30 s of start-up", () => {
    expect(readyAt(t("2031-03-10T12:00:10Z")).toISOString()).toBe("2031-03-10T12:01:00.000Z");
    expect(readyAt(t("2031-03-10T12:00:30Z")).toISOString()).toBe("2031-03-10T12:01:00.000Z");
    expect(readyAt(t("2031-03-10T12:00:31Z")).toISOString()).toBe("2031-03-10T12:02:00.000Z");
  });

  it("readyIfStartedBy is the inverse used in SQL filters", () => {
    for (const started of ["2031-03-10T12:00:10Z", "2031-03-10T12:00:30Z", "2031-03-10T12:00:31Z", "2031-03-10T12:00:00Z"]) {
      for (const now of ["2031-03-10T12:00:59Z", "2031-03-10T12:01:00Z", "2031-03-10T12:01:59Z", "2031-03-10T12:02:00Z"]) {
        const ready = readyAt(t(started)).getTime() <= t(now).getTime();
        expect(t(started).getTime() <= readyIfStartedBy(t(now)).getTime(), `${started} @ ${now}`).toBe(ready);
      }
    }
  });

  it("charges only whole minutes that have fully elapsed, from ready or after the last charged one", () => {
    const ready = t("2031-03-10T12:01:00Z");
    expect(minutesToCharge(ready, null, t("2031-03-10T12:01:59Z"))).toEqual([]);
    expect(minutesToCharge(ready, null, t("2031-03-10T12:03:00Z")).map((d) => d.toISOString())).toEqual([
      "2031-03-10T12:01:00.000Z",
      "2031-03-10T12:02:00.000Z",
    ]);
    expect(minutesToCharge(ready, t("2031-03-10T12:02:00Z"), t("2031-03-10T12:04:30Z")).map((d) => d.toISOString())).toEqual([
      "2031-03-10T12:03:00.000Z",
    ]);
  });

  it("never stops before the end of a minute already charged", () => {
    expect(stopInstant(t("2031-03-10T12:05:20Z"), t("2031-03-10T12:04:00Z")).toISOString()).toBe("2031-03-10T12:05:20.000Z");
    expect(stopInstant(t("2031-03-10T12:05:20Z"), t("2031-03-10T12:09:00Z")).toISOString()).toBe("2031-03-10T12:10:00.000Z");
  });
});

describe("catching up", () => {
  it("charges at most a bounded number of minutes per run", () => {
    const ready = new Date("2031-03-10T12:00:00Z");
    expect(minutesToCharge(ready, null, new Date("2031-04-10T12:00:00Z"))).toHaveLength(MAX_MINUTES_PER_RUN);
    expect(minutesToCharge(ready, null, new Date("2031-03-10T12:10:00Z"), 3)).toHaveLength(3);
  });
});
