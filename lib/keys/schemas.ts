// API key input, shared by the route, the console form and the CLI.
import { z } from "zod";

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1, "name must not be empty").max(64, "name must be at most 64 characters").default("default"),
});
