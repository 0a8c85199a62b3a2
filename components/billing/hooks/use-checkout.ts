"use client";
// Stripe Checkout starts: POST /api/v1/credits/checkout {amountUsd} and POST /api/v1/payment-methods/setup
// both answer {url}; the browser goes there and Stripe sends it back to /billing?checkout=… / ?setup=….
import { useMutation } from "@tanstack/react-query";
import { api, redirectTo } from "@/components/console/api";

export function useBuyCredits() {
  return useMutation({
    mutationFn: (amountUsd: string) =>
      api<{ url: string; sessionId?: string }>("/api/v1/credits/checkout", { method: "POST", body: { amountUsd } }),
    onSuccess: ({ url }) => redirectTo(url),
  });
}

export function useAddCard() {
  return useMutation({
    mutationFn: () => api<{ url: string }>("/api/v1/payment-methods/setup", { method: "POST", body: {} }),
    onSuccess: ({ url }) => redirectTo(url),
  });
}
