// A custom model or LoRA adapter as the API shows it.
import type { CustomModelKind } from "../../db/generated/enums";

export const CUSTOM_MODEL_SELECT = { id: true, name: true, kind: true, baseModel: true, createdAt: true } as const;

export interface CustomModelView {
  id: string;
  name: string;
  kind: CustomModelKind;
  baseModel: string | null;
  createdAt: string;
}

export function toCustomModelView(row: {
  id: string;
  name: string;
  kind: CustomModelKind;
  baseModel: string | null;
  createdAt: Date;
}): CustomModelView {
  return { id: row.id, name: row.name, kind: row.kind, baseModel: row.baseModel, createdAt: row.createdAt.toISOString() };
}
