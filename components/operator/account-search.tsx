"use client";
// Find accounts by id, name or a member's e-mail; the query is kept in the URL (?q=).
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
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
          <Table label="Accounts">
            <thead>
              <tr>
                <Th>Account</Th>
                <Th>Owners</Th>
                <Th>Tier</Th>
                <Th>Status</Th>
                <Th className="text-right">Spend this month</Th>
                <Th className="text-right">Credits</Th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} data-testid={`account-${a.id}`}>
                  <Td>
                    <Link href={`/operator/accounts/${a.id}`} className="font-medium text-indigo-700 hover:underline">
                      {a.name}
                    </Link>
                    <span className="block font-mono text-xs text-slate-500">{a.id}</span>
                  </Td>
                  <Td className="text-xs">{a.ownerEmails.join(", ") || "—"}</Td>
                  <Td>{TIER_LABEL[a.tier] ?? a.tier}</Td>
                  <Td>{a.status === "active" ? <Badge tone="success">active</Badge> : <Badge tone="danger">suspended</Badge>}</Td>
                  <Td className="text-right">{money(a.monthlySpendUsd)}</Td>
                  <Td className="text-right">{money(a.creditBalanceUsd)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
