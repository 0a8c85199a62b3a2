// The caller's IP address, for per-address throttles (sign-in failures, sign-ups). Headroom's server
// (server.ts) works it out from the connection and writes it into CLIENT_IP_HEADER on every request
// it hands to Next, overwriting whatever the client sent there; routes read only that header.
//
// X-Forwarded-For is trusted only as far as HEADROOM_TRUSTED_PROXIES says: each proxy appends the
// address it received the request from, so with N proxies of ours in front, the client is the N-th
// address from the right of [...X-Forwarded-For, socket address]. Anything further left was written
// by the client and proves nothing — with no proxies configured, a client could otherwise claim a
// fresh address on every attempt and never be throttled.
import { isIP } from "node:net";

export const CLIENT_IP_HEADER = "x-headroom-client-ip";

/** "::ffff:10.0.0.1" → "10.0.0.1": the same client whichever way the socket reports it. */
function normalise(address: string): string {
  const a = address.trim();
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  const chain = [...hops, socketAddress ?? ""];
  // With more proxies configured than the request passed through, the leftmost address is the best we have.
  const candidate = chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? "";
  const address = normalise(candidate);
  return isIP(address) ? address : "unknown";
}

/** The address server.ts resolved, or null when the request did not come through it (route tests, `next start`). */
export function callerIp(headers: Headers | Record<string, unknown> | undefined): string | null {
  if (!headers) return null;
  const value = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers[CLIENT_IP_HEADER];
  return typeof value === "string" && value !== "" && value !== "unknown" ? value : null;
}
