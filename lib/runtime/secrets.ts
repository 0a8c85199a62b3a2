// Secrets the embedded default needs but nobody configured (SPEC §14): generated once into the
// data folder (mode 0600) and reused on every start.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

export interface RuntimeSecrets {
  nextAuthSecret: string;
  stripeWebhookSecret: string;
}

export function loadOrCreateSecrets(dataDir: string): RuntimeSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as RuntimeSecrets;
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets: RuntimeSecrets = {
    nextAuthSecret: randomBytes(32).toString("base64url"),
    stripeWebhookSecret: `whsec_${randomBytes(24).toString("base64url")}`,
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
