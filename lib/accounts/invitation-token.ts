// Invitation links carry a random token ("hri_" + 43 base64url characters, 256 bits); only its
// sha256 is stored, so a leaked database does not hold working links.
import { createHash, randomBytes } from "node:crypto";

const TOKEN_PATTERN = /^hri_[A-Za-z0-9_-]{43}$/;

export function newInvitationToken(): string {
  return `hri_${randomBytes(32).toString("base64url")}`;
}

/** The stored form of a token; null for text that cannot be a token (never looked up). */
export function invitationTokenHash(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  return createHash("sha256").update(token).digest("hex");
}
