// API key secrets: "hr_" + 40 base62 characters. Stored as sha256 (the secret has 238 bits of
// entropy, so a slow hash adds nothing); the first 12 characters are the lookup prefix.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_PREFIX_LENGTH = 12;
const KEY_PATTERN = /^hr_[0-9A-Za-z]{40}$/;

export function generateSecret(): string {
  const bytes = randomBytes(40);
  let out = "hr_";
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export function isWellFormedSecret(secret: string): boolean {
  return KEY_PATTERN.test(secret);
}

export function secretPrefix(secret: string): string {
  return secret.slice(0, KEY_PREFIX_LENGTH);
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "hex");
  const bb = Buffer.from(b, "hex");
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
