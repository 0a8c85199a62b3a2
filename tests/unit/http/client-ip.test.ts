// Which address the throttles see: the socket's, unless proxies of ours are configured in front.
import { describe, expect, it } from "vitest";
import { callerIp, CLIENT_IP_HEADER, resolveClientIp } from "@/lib/http/client-ip";

describe("resolveClientIp", () => {
  it("ignores X-Forwarded-For when no proxy is trusted: a client cannot pick its own address", () => {
    expect(resolveClientIp("10.1.2.3", "1.1.1.1", 0)).toBe("10.1.2.3");
    expect(resolveClientIp("10.1.2.3", undefined, 0)).toBe("10.1.2.3");
  });

  it("with N trusted proxies takes the N-th address from the right, not the client-written leftmost one", () => {
    // client forged "6.6.6.6"; the real client 203.0.113.5 reached our load balancer 10.0.0.2.
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(resolveClientIp("10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2", 2)).toBe("203.0.113.5");
    expect(resolveClientIp("10.0.0.3", ["6.6.6.6, 203.0.113.5", "10.0.0.2"], 2)).toBe("203.0.113.5");
  });

  it("uses the leftmost address when the request passed fewer proxies than configured", () => {
    expect(resolveClientIp("10.0.0.2", "203.0.113.5", 3)).toBe("203.0.113.5");
  });

  it("normalises IPv4-mapped IPv6 and answers unknown for anything that is not an address", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", undefined, 0)).toBe("127.0.0.1");
    expect(resolveClientIp("::1", undefined, 0)).toBe("::1");
    expect(resolveClientIp("10.0.0.2", "<script>, 10.0.0.9", 2)).toBe("unknown");
    expect(resolveClientIp(undefined, undefined, 0)).toBe("unknown");
  });
});

describe("callerIp", () => {
  it("reads only the header server.ts writes, from Headers or a plain object", () => {
    expect(callerIp(new Headers({ [CLIENT_IP_HEADER]: "10.0.0.1", "x-forwarded-for": "1.1.1.1" }))).toBe("10.0.0.1");
    expect(callerIp({ [CLIENT_IP_HEADER]: "10.0.0.1" })).toBe("10.0.0.1");
    expect(callerIp(new Headers({ "x-forwarded-for": "1.1.1.1" }))).toBeNull();
    expect(callerIp({ [CLIENT_IP_HEADER]: "unknown" })).toBeNull();
    expect(callerIp(undefined)).toBeNull();
  });
});
