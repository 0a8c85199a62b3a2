"use client";
// The suspension banner on every account page: each reason, what it means and the action that fixes
// it. Live (the account query), so it disappears within seconds of the fix landing.
import Link from "next/link";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { REASON_ACTION, REASON_LABEL } from "./format";
import { useAccount, type Account } from "./hooks/use-account";

export function SuspensionBanner({ initial }: { initial: Account }) {
  const { data: account } = useAccount({ initialData: initial });
  if (!account || account.status !== "suspended") return null;
  return (
    <div data-testid="suspension-banner" role="alert" className="mb-6 rounded-md bg-red-50 p-4 text-sm text-red-900 ring-1 ring-red-200">
      <p className="font-semibold">This account is suspended: API requests answer 402 and deployments are stopped.</p>
      <ul className="mt-2 space-y-2">
        {account.suspensionReasons.map((r) => {
          const action = REASON_ACTION[r.reason];
          return (
            <li key={r.reason} className="flex flex-wrap items-center gap-x-3 gap-y-1" data-reason={r.reason}>
              <span>
                <span className="font-medium">{REASON_LABEL[r.reason] ?? r.reason}</span>
                {r.detail ? ` — ${r.detail}` : ""}
              </span>
              {action && (
                <Link
                  href={action.href}
                  className={`rounded-md bg-white px-2.5 py-1 font-medium text-red-800 ring-1 ring-red-300 hover:bg-red-100 ${TAP_TARGET}`}
                >
                  {action.label}
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
