-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "customModelId" TEXT,
ADD COLUMN     "deletedAt" TIMESTAMPTZ(3),
ALTER COLUMN "modelId" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_customModelId_fkey" FOREIGN KEY ("customModelId") REFERENCES "CustomModel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- A deployment runs something: a catalogue model, a custom model or LoRA, or both (a LoRA on its base).
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_runs_a_model" CHECK ("modelId" IS NOT NULL OR "customModelId" IS NOT NULL);
