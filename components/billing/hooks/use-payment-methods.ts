"use client";
// GET /api/v1/payment-methods — the cards on file, default first; DELETE /api/v1/payment-methods/{id}
// removes one (owner).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/console/api";
import { accountKey } from "@/components/account/hooks/use-account";

export interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  createdAt: string;
}

export interface RemovedPaymentMethod {
  id: string;
  removed: true;
  paymentMethodsLeft: number;
  defaultPaymentMethodId: string | null;
  status: "active" | "suspended";
}

const key = ["payment-methods"] as const;

export function usePaymentMethods(opts: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ paymentMethods: PaymentMethod[] }>("/api/v1/payment-methods", { signal }),
    refetchInterval: opts.refetchInterval ?? false,
    retry: false,
  });
}

export function useRemovePaymentMethod() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<RemovedPaymentMethod>(`/api/v1/payment-methods/${encodeURIComponent(id)}`, { method: "DELETE" }),
    // The list (and which card is the default), and the account: card on file, maybe suspended.
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: key }), client.invalidateQueries({ queryKey: accountKey })]),
  });
}
