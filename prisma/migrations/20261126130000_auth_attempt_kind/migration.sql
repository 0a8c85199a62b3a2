-- CreateEnum
CREATE TYPE "AuthAttemptKind" AS ENUM ('sign_in', 'sign_up');

-- AlterTable
ALTER TABLE "LoginAttempt" ADD COLUMN     "kind" "AuthAttemptKind" NOT NULL DEFAULT 'sign_in';

