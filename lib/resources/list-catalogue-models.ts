// The catalogue models an account can deploy, fine-tune or base a LoRA on (the console's pickers;
// the create verbs check the name again).
import { db } from "../db";

export interface CatalogueModelView {
  name: string;
  displayName: string;
}

export async function listCatalogueModels(): Promise<CatalogueModelView[]> {
  return db().model.findMany({ where: { active: true }, select: { name: true, displayName: true }, orderBy: { name: "asc" } });
}
