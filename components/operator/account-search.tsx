"use client";
// Find accounts by id, name or a member's e-mail; the query is kept in the URL (?q=).
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { TIER_LABEL, money } from "@/components/account/format";
import { useAccountSearch, type OperatorAccount } from "./hooks/use-operator-accounts";

export function AccountSearch({ initialQuery, initial }: { initialQuery: string; initial: OperatorAccount[] }) {
  const [text, setText] = useState(initialQuery);
  const [q, setQ] = useState(initialQuery);
  const search = useAccountSearch(q, { initialData: q === initialQuery ? { accounts: initial } : undefined });
  const accounts = search.data?.accounts ?? [];

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = text.trim();
    setQ(next);
    const url = new URL(window.location.href);
    if (next) url.searchParams.set("q", next);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  return (
    <div className="space-y-4">
      <form role="search" onSubmit={onSubmit} className="flex flex-wrap items-start gap-3">
        <div className="w-full max-w-md">
          <Field
            id="account-q"
            name="q"
            type="search"
            label="Account id, name or member e-mail"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <Button type="submit" className="sm:mt-6" disabled={search.isFetching}>
          Search
        </Button>
      </form>
      <Card>
        {accounts.length === 0 ? (
          <p className="text-sm text-slate-600">{search.isFetching ? "Searching…" : "No accounts match."}</p>
        ) : (
          <Table
            label="Accounts"
            rows={accounts}
            rowKey={(a) => a.id}
            rowProps={(a) => ({ "data-testid": `account-${a.id}` })}
            columns={[
              {
                id: "account",
                header: "Account",
                kind: "title",
                cell: (a) => (
                  <>
                    <Link href={`/operator/accounts/${a.id}`} className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
                      {a.name}
                    </Link>
                    <span className="block font-mono text-xs text-slate-500">{a.id}</span>
                  </>
                ),
              },
              { id: "owners", header: "Owners", className: "text-xs", cell: (a) => a.ownerEmails.join(", ") || "—" },
              { id: "tier", header: "Tier", cell: (a) => TIER_LABEL[a.tier] ?? a.tier },
              {
                id: "status",
                header: "Status",
                cell: (a) => (a.status === "active" ? <Badge tone="success">active</Badge> : <Badge tone="danger">suspended</Badge>),
              },
              { id: "spend", header: "Spend this month", align: "right", cell: (a) => money(a.monthlySpendUsd) },
              { id: "credits", header: "Credits", align: "right", cell: (a) => money(a.creditBalanceUsd) },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
