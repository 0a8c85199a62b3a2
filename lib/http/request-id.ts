// Request ids: unique, sortable enough to eyeball, returned as x-request-id and stored on usage.
import { randomBytes } from "node:crypto";

export function newRequestId(): string {
  return `req_${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}
