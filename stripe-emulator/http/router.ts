// A minimal method + path router: `/v1/customers/:id/payment_methods` style patterns.
import type { Emulator, RequestOrigin } from "../core/emulator";
import type { Params } from "../core/params";

export interface ApiRequest {
  method: string;
  path: string;
  pathParams: Record<string, string>;
  /** Query parameters merged with the form body. */
  params: Params;
  origin: RequestOrigin;
}

/** API handlers are synchronous: a request's state changes happen atomically. */
export type ApiHandler = (emu: Emulator, req: ApiRequest) => unknown;

export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

interface Compiled<H> extends Route<H> {
  regex: RegExp;
  names: string[];
}

export class Router<H> {
  private readonly routes: Compiled<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    const names: string[] = [];
    const source = pattern
      .split("/")
      .map((part) => {
        if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(part.slice(1));
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, pattern, handler, regex: new RegExp(`^${source}/?$`), names });
    return this;
  }

  addAll(routes: Route<H>[]): this {
    for (const r of routes) this.add(r.method, r.pattern, r.handler);
    return this;
  }

  match(method: string, path: string): { handler: H; pathParams: Record<string, string> } | { handler: null; pathExists: boolean } {
    let pathExists = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { handler: route.handler, pathParams };
    }
    return { handler: null, pathExists };
  }
}
