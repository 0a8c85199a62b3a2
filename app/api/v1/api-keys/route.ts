// GET/POST /api/v1/api-keys — list keys; create one (the secret is in this response only).
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { createApiKey } from "@/lib/keys/create-api-key";
import { listApiKeys } from "@/lib/keys/list-api-keys";
import { createApiKeySchema } from "@/lib/keys/schemas";

export const GET = withAccount(async ({ caller }) => json({ apiKeys: await listApiKeys(caller.accountId) }));

export const POST = withAccount(async ({ req, caller }) => {
  const { name } = await readJson(req, createApiKeySchema);
  const key = await createApiKey(caller.accountId, name, caller.userId);
  return json({ id: key.id, name: key.name, prefix: key.prefix, secret: key.secret, createdAt: key.createdAt.toISOString() }, 201);
});
