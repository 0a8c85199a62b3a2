// Payment rows for credit purchases: the writer moved to lib/billing/upsert-purchase-payment.ts,
// because auto top-up's grant (billing) records the row too and billing does not import payments.
// Re-exported here for the webhooks, the purchases list and refunds.
export { paymentRowId, purchaseKeyOf, upsertPurchasePayment, type PurchasePayment } from "../billing/upsert-purchase-payment";
