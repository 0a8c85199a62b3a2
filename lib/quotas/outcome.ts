// Expected refusals of the quota and resource verbs, as values (STYLE rule 5), and the one place
// they become HTTP errors: routes call `orThrow(await verb(...))`.
import type { SuspensionReasonCode } from "../db/generated/enums";
import { AppError } from "../http/errors";

export type Refusal =
  | { ok: false; reason: "quota_exceeded"; message: string; quota: string; value: number; usage: number; requested: number }
  | { ok: false; reason: "account_suspended"; message: string; suspension: SuspensionReasonCode }
  | { ok: false; reason: "not_found"; message: string }
  /** The resource is in a state that does not allow this (e.g. resuming a completed job). */
  | { ok: false; reason: "conflict"; message: string; param?: string }
  | { ok: false; reason: "invalid"; message: string; param?: string };

export type Outcome<T> = ({ ok: true } & T) | Refusal;

export function refusalError(r: Refusal): AppError {
  switch (r.reason) {
    case "quota_exceeded":
      return new AppError("quota_exceeded", r.message);
    case "account_suspended":
      return new AppError("account_suspended", r.message, { bodyCode: r.suspension });
    case "not_found":
      return new AppError("not_found", r.message);
    case "conflict":
      return new AppError("conflict", r.message, { param: r.param });
    case "invalid":
      return new AppError("invalid_request_error", r.message, { param: r.param });
  }
}

/** The success value, or the refusal thrown as its AppError. */
export function orThrow<T extends { ok: true }>(outcome: T | Refusal): T {
  if (!outcome.ok) throw refusalError(outcome);
  return outcome;
}

/** "No such deployment in this account." — operators' look-ups pass `inAccount: false`. */
export const notFound = (what: string, inAccount = true): Refusal => ({
  ok: false,
  reason: "not_found",
  message: `No such ${what}${inAccount ? " in this account" : ""}.`,
});
export const conflict = (message: string, param?: string): Refusal => ({ ok: false, reason: "conflict", message, param });
export const invalid = (message: string, param?: string): Refusal => ({ ok: false, reason: "invalid", message, param });
