"use client";
// GET /api/v1/payment-methods — the cards on file, default first.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/console/api";

export interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  createdAt: string;
}

export function usePaymentMethods(opts: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: ["payment-methods"],
    queryFn: ({ signal }) => api<{ paymentMethods: PaymentMethod[] }>("/api/v1/payment-methods", { signal }),
    refetchInterval: opts.refetchInterval ?? false,
    retry: false,
  });
}
