// GET /api/v1/models's verb: the account's live custom models and LoRAs.
import { db } from "../../db";
import { CUSTOM_MODEL_SELECT, toCustomModelView, type CustomModelView } from "./view";

export async function listCustomModels(accountId: string): Promise<CustomModelView[]> {
  const rows = await db().customModel.findMany({
    where: { accountId, deletedAt: null },
    select: CUSTOM_MODEL_SELECT,
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toCustomModelView);
}
