"use client";
// GET /api/v1/invoices[/{id}], POST /api/v1/invoices/{id}/pay → {url} of the hosted invoice page.
import { useMutation, useQuery } from "@tanstack/react-query";
import type { InvoiceLineView, InvoiceView } from "@/lib/billing/list-invoices";
import { api, redirectTo } from "@/components/console/api";

export type Invoice = InvoiceView;
export type InvoiceDetail = InvoiceView & { lines: InvoiceLineView[] };

export function useInvoices(opts: { initialData?: { invoices: Invoice[] } } = {}) {
  return useQuery({
    queryKey: ["invoices"],
    queryFn: ({ signal }) => api<{ invoices: Invoice[] }>("/api/v1/invoices", { signal }),
    initialData: opts.initialData,
    refetchInterval: 15_000,
  });
}

export function useInvoice(id: string, opts: { initialData?: InvoiceDetail } = {}) {
  return useQuery({
    queryKey: ["invoices", id],
    queryFn: ({ signal }) => api<InvoiceDetail>(`/api/v1/invoices/${encodeURIComponent(id)}`, { signal }),
    initialData: opts.initialData,
    refetchInterval: 15_000,
  });
}

export function usePayInvoice() {
  return useMutation({
    mutationFn: (id: string) => api<{ url: string }>(`/api/v1/invoices/${encodeURIComponent(id)}/pay`, { method: "POST" }),
    onSuccess: ({ url }) => redirectTo(url),
  });
}
