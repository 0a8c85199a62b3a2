// The Members page's pure formatters.
import { describe, expect, it } from "vitest";
import { expiresIn, inviteNote, signInToAccept } from "@/components/members/format";

const now = new Date("2026-11-26T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe("expiresIn", () => {
  it("rounds up, as a deadline is, and says when it has passed", () => {
    expect(expiresIn(at(7 * 86_400_000), now)).toBe("in 7 days");
    expect(expiresIn(at(7 * 86_400_000 - 1000), now)).toBe("in 7 days");
    expect(expiresIn(at(86_400_000), now)).toBe("in 1 day");
    expect(expiresIn(at(86_400_000 - 1000), now)).toBe("in 24 h");
    expect(expiresIn(at(5 * 3_600_000 + 1), now)).toBe("in 6 h");
    expect(expiresIn(at(59 * 60_000 + 1), now)).toBe("in 60 min");
    expect(expiresIn(at(1000), now)).toBe("in 1 min");
    expect(expiresIn(at(0), now)).toBe("expired");
    expect(expiresIn(at(-1000), now)).toBe("expired");
  });
});

describe("inviteNote and signInToAccept", () => {
  it("tell the owner what to do with the link, and bring the invitee back after signing in", () => {
    expect(inviteNote("a@b.c", false)).toBe("Send this link to a@b.c: it is the only way to accept, and it is not shown again.");
    expect(inviteNote("a@b.c", true)).toMatch(/^We e-mailed it to a@b\.c\./);
    expect(signInToAccept("hri_abc-_9")).toBe("/signin?callbackUrl=%2Finvite%2Fhri_abc-_9");
  });
});
