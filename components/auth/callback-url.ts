// Where to go after signing in: the `callbackUrl` asked for, only if it stays on this site.
// "/\evil.example" and "/%5Cevil" start with one slash yet browsers resolve them to another host,
// so the check resolves the URL against our origin rather than looking at its first characters.

/** A same-origin path (with query and hash) for `next`, or "/" for anything else. */
export function safeCallbackUrl(next: string | null, origin: string): string {
  if (!next || !next.startsWith("/")) return "/";
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : "/";
  } catch {
    return "/";
  }
}
