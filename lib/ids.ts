// Row and request ids for the hot paths: unique without a system call per id. A random tag drawn
// once per process (40 bits) keeps instances apart; the time prefix and a counter keep one
// process's ids distinct and roughly ordered. Not secrets: nothing may rely on them being unguessable.
import { randomBytes } from "node:crypto";

const TAG = randomBytes(5).toString("hex");
let counter = 0;

/** `<prefix>_<ms base36><process tag><counter base36>`, e.g. `req_mi3k2x1b9f04c7e2a1000007`. */
export function uniqueId(prefix: string): string {
  counter = (counter + 1) % 2_176_782_336; // 36^6: the counter keeps its width
  return `${prefix}_${Date.now().toString(36)}${TAG}${counter.toString(36).padStart(6, "0")}`;
}
