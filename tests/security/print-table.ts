// Print the authorization matrix the suites check (expected status per route × caller, pages too):
//   npx tsx tests/security/print-table.ts
// "s/k" = session cookie / API key when they differ; routes the table lacks are listed as MISSING.
import { discoverPages, discoverRoutes } from "./discover";
import { expectedPageStatus, expectedStatus, PAGES, ROUTES } from "./route-table";
import { ROLES } from "./world";

const pad = (s: string, n: number) => s.padEnd(n);
console.log(pad("route", 52) + ROLES.map((r) => pad(r, 11)).join(""));
for (const route of discoverRoutes()) {
  const entry = ROUTES[route.key];
  if (!entry) {
    console.log(pad(route.key, 52) + "MISSING from ROUTES");
    continue;
  }
  if (entry.server) {
    console.log(pad(route.key, 52) + `(over HTTP: ${entry.server})`);
    continue;
  }
  const cells = ROLES.map((role) => {
    const byKey = expectedStatus(entry, role);
    const bySession = entry.access === "gateway" && role !== "anonymous" && role !== "revokedKey" ? 401 : byKey;
    return pad(bySession === byKey ? String(byKey) : `${bySession}/${byKey}`, 11);
  });
  console.log(pad(route.key, 52) + cells.join(""));
}
console.log("\n" + pad("page", 52) + ["anonymous", "member", "otherOwner", "owner", "operator"].map((r) => pad(r, 11)).join(""));
for (const page of discoverPages()) {
  const entry = PAGES[page.pattern];
  if (!entry) {
    console.log(pad(page.pattern, 52) + "MISSING from PAGES");
    continue;
  }
  const roles = ["anonymous", "member", "otherOwner", "owner", "operator"] as const;
  console.log(pad(page.pattern, 52) + roles.map((r) => pad(String(expectedPageStatus(entry, r)), 11)).join(""));
}
