// After sign-in, only same-site paths are followed (no open redirect through ?callbackUrl=).
import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/components/auth/callback-url";

const ORIGIN = "https://headroom.example";

describe("safeCallbackUrl", () => {
  it("keeps a path on this site, with its query and hash", () => {
    expect(safeCallbackUrl("/invite/hri_abc", ORIGIN)).toBe("/invite/hri_abc");
    expect(safeCallbackUrl("/usage?model=x#chart", ORIGIN)).toBe("/usage?model=x#chart");
  });

  it("sends anything that would leave the site, or nothing at all, to /", () => {
    for (const next of [
      null,
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "/\\/evil.example",
      "javascript:alert(1)",
      "evil",
    ]) {
      expect(safeCallbackUrl(next, ORIGIN), String(next)).toBe("/");
    }
  });
});
