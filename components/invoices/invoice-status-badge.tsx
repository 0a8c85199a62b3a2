// An invoice's state as a badge, the same for owners and operators: Draft, Open, Paid, Payment failed,
// Void — and "Carried forward" for one under the minimum card charge (invoiceStatus), with why on hover.
import { Badge } from "@/components/ui/badge";
import { invoiceStatus } from "./format";

export function InvoiceStatusBadge({
  invoice,
  ...rest
}: { invoice: Parameters<typeof invoiceStatus>[0] } & React.HTMLAttributes<HTMLSpanElement>) {
  const status = invoiceStatus(invoice);
  return (
    <Badge tone={status.tone} title={status.help} {...rest}>
      {status.label}
    </Badge>
  );
}
