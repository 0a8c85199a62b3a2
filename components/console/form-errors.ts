// Errors of a form, keyed by field ("value", "policy.baseRpm") plus "form" for the rest. Pure: the
// same zod schemas as the API produce the client-side ones; the API's `param` places server ones.
import { ApiError } from "./api";

export type FormErrors = Record<string, string>;

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** The first message per field from zod issues ("value", "policy.capRpm"); pathless ones go to "form". */
export function errorsFromIssues(issues: readonly IssueLike[], prefix = ""): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join(".");
    const key = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    errors[key || "form"] ??= issue.message;
  }
  return errors;
}

/** Drop the "field: " prefix the API puts in front of messages, once the message sits by its field. */
export function stripParam(message: string, param: string): string {
  const prefixes = [param, param.split(".").pop() ?? param];
  for (const p of prefixes) if (message.startsWith(`${p}: `)) return message.slice(p.length + 2);
  return message;
}

/**
 * An API error placed on the form: on its field when the API named one this form has (or the
 * message starts with "<field>: "), else on the form. Non-API errors become a generic form error.
 */
export function errorsFromApi(err: unknown, fields: readonly string[], prefix = ""): FormErrors {
  if (!(err instanceof ApiError)) return { form: err instanceof Error ? err.message : "Something went wrong." };
  const named = err.param ?? /^([A-Za-z][\w.]*): /.exec(err.message)?.[1] ?? null;
  const field = named && named.startsWith(prefix) ? named.slice(prefix.length) : named;
  if (field && fields.includes(field)) return { [field]: stripParam(err.message, named ?? field) };
  return { form: err.message };
}
