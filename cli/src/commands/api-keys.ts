// API keys (SPEC §13): `list api-keys`, `create api-key [--name]` (the secret is shown once) and
// `revoke api-key <id>`.
import type { Command } from "commander";
import type { listApiKeys } from "../../../lib/keys/list-api-keys";
import { createApiKeySchema } from "../../../lib/keys/schemas";
import { contextOf } from "../context";
import { when } from "../format";
import { parseFlags, withExamples } from "../help";
import { table } from "../table";

type ApiKeyView = Awaited<ReturnType<typeof listApiKeys>>[number];
interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  secret: string;
  createdAt: string;
}

export function registerApiKeys(groups: { list: Command; create: Command; revoke: Command }): void {
  withExamples(
    groups.list
      .command("api-keys")
      .alias("api-key")
      .description("List the account's API keys (prefixes only; secrets are never shown again).")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ apiKeys: ApiKeyView[] }>("/api/v1/api-keys");
        if (ctx.output === "json") return ctx.json(body);
        if (body.apiKeys.length === 0) return ctx.out("No API keys.");
        const s = ctx.style;
        ctx.out(
          table(
            body.apiKeys,
            [
              { header: "ID", value: (k) => k.id },
              { header: "NAME", value: (k) => k.name },
              { header: "PREFIX", value: (k) => `${k.prefix}…` },
              { header: "CREATED", value: (k) => when(k.createdAt) },
              { header: "LAST USED", value: (k) => when(k.lastUsedAt, "never") },
              {
                header: "STATUS",
                value: (k) => (k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active"),
                paint: (t, k) => (k.revokedAt ? s.dim(t) : s.green(t)),
              },
            ],
            s,
          ),
        );
      }),
    ["headroom list api-keys"],
  );

  withExamples(
    groups.create
      .command("api-key")
      .alias("api-keys")
      .option("--name <name>", "a label for the key, 1–64 characters", "default")
      .description("Create an API key. Its secret is printed once, on stdout: store it now, it cannot be shown again.")
      .action(async (opts: { name: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const input = parseFlags(createApiKeySchema, { name: opts.name }, { name: "--name" });
        const key = await ctx.client().post<CreatedKey>("/api/v1/api-keys", input);
        if (ctx.output === "json") return ctx.json(key);
        ctx.note(`Created API key ${ctx.errStyle.bold(key.name)} (${key.id}).`);
        ctx.out(key.secret);
        ctx.note(ctx.errStyle.yellow("Store this secret now: it is shown only once and cannot be retrieved later."));
      }),
    ['headroom create api-key --name "ci"', "headroom create api-key --name ci > ci-key.txt   # the secret alone goes to stdout"],
  );

  withExamples(
    groups.revoke
      .command("api-key")
      .alias("api-keys")
      .argument("<id>", "the key's id (from `headroom list api-keys`)")
      .description("Revoke an API key: requests with it fail with 401 within a second, on every instance.")
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().delete<{ id: string; revoked: boolean }>(`/api/v1/api-keys/${encodeURIComponent(id)}`);
        if (ctx.output === "json") return ctx.json(body);
        ctx.out(`Revoked API key ${body.id}.`);
      }),
    ["headroom revoke api-key key_123"],
  );
}
