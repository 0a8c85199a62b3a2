// Create an API key; the secret is returned here once and never again.
import { db } from "../db";
import { generateSecret, hashSecret, secretPrefix } from "./secret";

export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  secret: string;
  createdAt: Date;
}

export async function createApiKey(
  accountId: string,
  name: string,
  createdBy: string | null,
  secret = generateSecret(),
): Promise<CreatedKey> {
  const key = await db().apiKey.create({
    data: { accountId, name, prefix: secretPrefix(secret), hash: hashSecret(secret), createdBy },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...key, secret };
}
