// Stripe failures at the HTTP edge: Stripe (or the emulator) not answering is a 503 the client may
// retry, not an internal error; anything else Stripe refuses is a bug of ours and stays a 500.
import Stripe from "stripe";
import { AppError } from "../http/errors";

export async function withStripeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (
      err instanceof Stripe.errors.StripeConnectionError ||
      err instanceof Stripe.errors.StripeRateLimitError ||
      err instanceof Stripe.errors.StripeAPIError
    ) {
      throw new AppError("service_unavailable", "Payments are temporarily unavailable (Stripe did not answer); try again shortly.");
    }
    throw err;
  }
}
