// Request ids: unique, sortable enough to eyeball, returned as x-request-id and stored on usage.
import { uniqueId } from "../ids";

export function newRequestId(): string {
  return uniqueId("req");
}
