import { describe, expect, it } from "vitest";
import { fnv1a } from "@/lib/hash";

describe("fnv1a", () => {
  it("matches the published FNV-1a 32-bit test vectors", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("continuing from a hash is hashing the concatenation", () => {
    expect(fnv1a("bar", fnv1a("foo"))).toBe(fnv1a("foobar"));
  });
});
