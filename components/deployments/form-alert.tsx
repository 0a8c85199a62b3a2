// A form's error from the API, shown next to the form. A 422 quota_exceeded keeps the API's own
// message (it names the quota, its value and the usage) and points to the quota request form.
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { TAP_TARGET } from "@/components/ui/tap-target";

export function FormAlert({ message, quotaExceeded, testId }: { message?: string; quotaExceeded: boolean; testId?: string }) {
  if (!message) return null;
  return (
    <div data-testid={testId}>
      <Alert tone="error" title={quotaExceeded ? "Quota exceeded" : undefined}>
        <p>{message}</p>
        {quotaExceeded && (
          <Link href="/quotas#request" className={`mt-1 inline-block font-medium text-red-900 underline ${TAP_TARGET}`}>
            Request a quota increase
          </Link>
        )}
      </Alert>
    </div>
  );
}
