// Route discovery for the security suites: every `app/**/route.ts` (and its exported HTTP methods)
// and every `app/**/page.tsx`, read from the filesystem so a new route cannot escape the tables.
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const APP_DIR = path.join(ROOT, "app");

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
const WRITES = new Set<string>(["POST", "PUT", "PATCH", "DELETE"]);
export const isWrite = (method: string) => WRITES.has(method);

export interface DiscoveredRoute {
  /** "POST /api/v1/api-keys/[id]": the key of the route table. */
  key: string;
  method: HttpMethod;
  /** URL pattern with the folder's dynamic segments kept: /api/v1/invoices/[id]/pay. */
  pattern: string;
  /** Absolute path of route.ts. */
  file: string;
  /** The handler reads a JSON body through lib/http's readJson (a hostile-input target). */
  readsJson: boolean;
}

export interface DiscoveredPage {
  /** URL pattern: "/", "/invoices/[id]". */
  pattern: string;
  file: string;
}

function walk(dir: string, name: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, name, out);
    else if (entry.name === name) out.push(full);
  }
  return out;
}

/** app/(console)/invoices/[id]/page.tsx → /invoices/[id] (route groups and @slots do not appear in URLs). */
export function urlPattern(file: string): string {
  const segments = path
    .relative(APP_DIR, path.dirname(file))
    .split(path.sep)
    .filter((s) => s !== "" && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  return "/" + segments.join("/");
}

/** The HTTP methods a route module exports: `export const GET`, `export async function GET`, `export { h as GET }`. */
export function exportedMethods(source: string): HttpMethod[] {
  const found = new Set<HttpMethod>();
  for (const m of source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+([A-Z]+)\b/g)) {
    if ((HTTP_METHODS as readonly string[]).includes(m[1]!)) found.add(m[1] as HttpMethod);
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()!;
      if ((HTTP_METHODS as readonly string[]).includes(name)) found.add(name as HttpMethod);
    }
  }
  return HTTP_METHODS.filter((method) => found.has(method));
}

export function discoverRoutes(): DiscoveredRoute[] {
  return walk(APP_DIR, "route.ts")
    .sort()
    .flatMap((file) => {
      const source = fs.readFileSync(file, "utf8");
      const pattern = urlPattern(file);
      return exportedMethods(source).map((method) => ({
        key: `${method} ${pattern}`,
        method,
        pattern,
        file,
        readsJson: /\breadJson\s*\(/.test(source) && isWrite(method),
      }));
    });
}

export function discoverPages(): DiscoveredPage[] {
  return walk(APP_DIR, "page.tsx")
    .sort()
    .map((file) => ({ pattern: urlPattern(file), file }));
}

/** /api/v1/invoices/[id]/pay + {id: "inv_1"} → /api/v1/invoices/inv_1/pay */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern
    .replace(/\[\[\.\.\.([^\]]+)\]\]/g, (_m, name: string) => params[name] ?? "")
    .replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_m, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
}
