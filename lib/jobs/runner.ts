// Run a background job at most once per (job, key) across every app instance (SPEC §12): the
// JobRun row is claimed with INSERT … ON CONFLICT DO NOTHING on its unique (job, key) before the
// work starts. A run that failed, or whose instance died (still "running" after `staleAfterMs`),
// may be taken over by a later attempt — which is why every job's work is itself idempotent (month
// close per account and period, auto top-up per attempt key, alerts per dedupe key).
import { randomBytes } from "node:crypto";
import { db } from "../db";
import type { Prisma } from "../db/generated/client";
import { errorSummary, log } from "../log";

export type JobRunOutcome<T> =
  | { ran: true; ok: true; jobRunId: string; result: T }
  | { ran: true; ok: false; jobRunId: string; error: string; cause: unknown }
  | { ran: false; reason: "already_done" | "in_progress" | "retry_later" };

export interface RunOnceOptions {
  now?: Date;
  /** A "running" run older than this is presumed dead and may be taken over. */
  staleAfterMs?: number;
  /** A failed run is retried no sooner than this after it finished. */
  retryFailedAfterMs?: number;
}

/** JSON for JobRun.result: BigInt as decimal strings. */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? null, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Prisma.InputJsonValue;
}

export async function runJobOnce<T>(
  job: string,
  key: string,
  work: () => Promise<T>,
  opts: RunOnceOptions = {},
): Promise<JobRunOutcome<T>> {
  const now = opts.now ?? new Date();
  const claim = await claim_(job, key, now, opts.staleAfterMs ?? 30 * 60_000, opts.retryFailedAfterMs ?? 5 * 60_000);
  if (typeof claim !== "string") return claim;
  return execute(claim, job, key, work);
}

/** Run now, whatever ran before (operator on demand); still recorded as a JobRun. */
export async function runJobNow<T>(job: string, work: () => Promise<T>, now = new Date()): Promise<JobRunOutcome<T>> {
  const key = `manual:${now.toISOString()}:${randomBytes(4).toString("hex")}`;
  const row = await db().jobRun.create({ data: { job, key, startedAt: new Date() }, select: { id: true } });
  return execute(row.id, job, key, work);
}

async function execute<T>(jobRunId: string, job: string, key: string, work: () => Promise<T>): Promise<JobRunOutcome<T>> {
  try {
    const result = await work();
    await db().jobRun.update({ where: { id: jobRunId }, data: { status: "succeeded", finishedAt: new Date(), result: toJson(result) } });
    return { ran: true, ok: true, jobRunId, result };
  } catch (err) {
    const error = errorSummary(err);
    // A refusal of the job's parameters is the caller's mistake, not an incident.
    (err instanceof Error && err.name === "JobInputError" ? log.warn : log.error)("job failed", { job, key, error });
    await db()
      .jobRun.update({ where: { id: jobRunId }, data: { status: "failed", finishedAt: new Date(), result: toJson({ error }) } })
      .catch(() => undefined);
    return { ran: true, ok: false, jobRunId, error, cause: err };
  }
}

async function claim_(
  job: string,
  key: string,
  now: Date,
  staleAfterMs: number,
  retryFailedAfterMs: number,
): Promise<string | Extract<JobRunOutcome<never>, { ran: false }>> {
  const created = await db().jobRun.createManyAndReturn({
    data: [{ job, key, startedAt: now }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (created[0]) return created[0].id;
  const existing = await db().jobRun.findUnique({
    where: { job_key: { job, key } },
    select: { id: true, status: true, startedAt: true, finishedAt: true },
  });
  if (!existing) return { ran: false, reason: "in_progress" };
  if (existing.status === "succeeded") return { ran: false, reason: "already_done" };
  if (existing.status === "running" && now.getTime() - existing.startedAt.getTime() < staleAfterMs)
    return { ran: false, reason: "in_progress" };
  if (existing.status === "failed" && existing.finishedAt && now.getTime() - existing.finishedAt.getTime() < retryFailedAfterMs) {
    return { ran: false, reason: "retry_later" };
  }
  // Take over: conditional on the row being exactly as we read it, so only one instance wins.
  const taken = await db().jobRun.updateMany({
    where: { id: existing.id, status: existing.status, startedAt: existing.startedAt },
    data: { status: "running", startedAt: now, finishedAt: null },
  });
  return taken.count === 1 ? existing.id : { ran: false, reason: "in_progress" };
}

/** Housekeeping: forget finished runs of frequent jobs (their work is keyed elsewhere). */
export async function pruneJobRuns(jobs: string[], olderThan: Date): Promise<number> {
  const res = await db().jobRun.deleteMany({ where: { job: { in: jobs }, status: "succeeded", startedAt: { lt: olderThan } } });
  return res.count;
}
