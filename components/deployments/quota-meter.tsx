// A count quota's usage against its value (deployed-models, a100-gpus, h100-gpus), as GET
// /api/v1/quotas reports it. Fixed height, so live updates never move the layout.
import Link from "next/link";
import { ProgressBar } from "@/components/ui/progress-bar";
import { QUOTA_LABEL, countPercent } from "@/components/quotas/format";
import type { Quota } from "@/components/quotas/hooks/use-quotas";

export function QuotaMeter({ quotas, name }: { quotas: readonly Quota[]; name: string }) {
  const quota = quotas.find((q) => q.name === name);
  if (!quota || typeof quota.value !== "number" || typeof quota.usage !== "number") return null;
  const label = QUOTA_LABEL[name]?.label ?? name;
  return (
    <div className="min-w-0 flex-1 space-y-1.5" data-testid={`quota-meter-${name}`}>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-700">
          {label} <span className="hidden font-mono text-xs font-normal text-slate-500 sm:inline">{name}</span>
        </span>
        <span className="whitespace-nowrap tabular-nums" data-testid="quota-usage">
          {quota.usage.toLocaleString("en-US")} / {quota.value.toLocaleString("en-US")}
        </span>
      </div>
      <ProgressBar percent={countPercent(quota.usage, quota.value)} label={`${label} used`} />
    </div>
  );
}

export function QuotaMeters({ quotas, names, note }: { quotas: readonly Quota[]; names: readonly string[]; note?: React.ReactNode }) {
  return (
    <div className="mb-4 space-y-2 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
      <div className="flex flex-col gap-3 sm:flex-row sm:gap-6">
        {names.map((n) => (
          <QuotaMeter key={n} quotas={quotas} name={n} />
        ))}
      </div>
      <p className="text-xs text-slate-500">
        {note} Need more?{" "}
        <Link href="/quotas#request" className="font-medium text-indigo-700 hover:underline">
          Request an increase
        </Link>
        .
      </p>
    </div>
  );
}
