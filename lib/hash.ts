// FNV-1a, 32-bit: a fast, well-spread, non-cryptographic hash of a short string, for picking a
// lane or seeding a generator (never for anything an attacker could exploit).
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of `text`, continuing from `h` (the offset basis when starting afresh), as an unsigned 32-bit integer. */
export function fnv1a(text: string, h: number = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}
