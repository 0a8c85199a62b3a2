// `npm run db:seed` / `prisma db seed`: the demo data of SPEC §14 (idempotent).
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDb } from "../lib/db";

const result = await seedDemo({
  password: process.env.HEADROOM_DEMO_PASSWORD ?? "headroom-demo",
  apiKey: process.env.HEADROOM_DEMO_API_KEY,
});
if (result.createdApiKey) console.log(`Demo API key (shown once): ${result.createdApiKey}`);
console.log("Seeded.");
await closeDb();
