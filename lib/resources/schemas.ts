// Input of the resource routes (custom models, deployments, fine-tuning jobs), shared by the
// routes, the console forms and the CLI.
import { z } from "zod";

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const modelNameSchema = z.string().trim().min(1, "must not be empty").max(128, "must be at most 128 characters");

export const createCustomModelSchema = z
  .strictObject({
    name: z.string().trim().regex(NAME, "must be 1–63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"),
    kind: z.enum(["model", "lora"]),
    baseModel: modelNameSchema.optional(),
  })
  .refine((v) => v.kind !== "lora" || v.baseModel !== undefined, { message: "is required for a LoRA", path: ["baseModel"] });
export type CreateCustomModelInput = z.infer<typeof createCustomModelSchema>;

export const GPU_TYPES = ["A100", "H100"] as const;
/** Per deployment; the account's GPU quotas bound the total. */
export const MAX_GPUS_PER_DEPLOYMENT = 1024;

const gpuTypeSchema = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
  z.enum(GPU_TYPES, 'must be "A100" or "H100"'),
);
const gpuCountSchema = z
  .number("must be a whole number of GPUs")
  .int("must be a whole number of GPUs")
  .min(1, "must be at least 1")
  .max(MAX_GPUS_PER_DEPLOYMENT, `must be at most ${MAX_GPUS_PER_DEPLOYMENT}`);

export const createDeploymentSchema = z.strictObject({ model: modelNameSchema, gpuType: gpuTypeSchema, gpuCount: gpuCountSchema });
export type CreateDeploymentInput = z.infer<typeof createDeploymentSchema>;

/** Either scale (`gpuCount`) or start/stop (`action`), one at a time. */
export const updateDeploymentSchema = z
  .strictObject({ gpuCount: gpuCountSchema.optional(), action: z.enum(["start", "stop"], 'must be "start" or "stop"').optional() })
  .refine((v) => (v.gpuCount === undefined) !== (v.action === undefined), {
    message: 'send either {"gpuCount": n} to scale or {"action": "start" | "stop"}',
  });
export type UpdateDeploymentInput = z.infer<typeof updateDeploymentSchema>;

export const MAX_DATASET_TOKENS = 10_000_000_000;
export const MAX_EPOCHS = 100;

export const createFineTuningJobSchema = z.strictObject({
  baseModel: modelNameSchema,
  datasetTokens: z
    .number("must be a whole number of tokens")
    .int("must be a whole number of tokens")
    .min(1, "must be at least 1")
    .max(MAX_DATASET_TOKENS, `must be at most ${MAX_DATASET_TOKENS}`),
  epochs: z
    .number("must be a whole number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_EPOCHS, `must be at most ${MAX_EPOCHS}`),
});
export type CreateFineTuningJobInput = z.infer<typeof createFineTuningJobSchema>;
