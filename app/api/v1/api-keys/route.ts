// GET/POST /api/v1/api-keys — list keys; create one (the secret is in this response only; no body: named "default").
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { createApiKey } from "@/lib/keys/create-api-key";
import { listApiKeys } from "@/lib/keys/list-api-keys";
import { createApiKeySchema } from "@/lib/keys/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ apiKeys: await listApiKeys(caller.accountId) }));

export const POST = withAccount(async ({ req, caller }) => {
  const { name } = await readJson(req, createApiKeySchema);
  const key = await createApiKey(caller.accountId, name, caller.userId);
  return json({ id: key.id, name: key.name, prefix: key.prefix, secret: key.secret, createdAt: key.createdAt.toISOString() }, 201);
});

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
