// Why a control is disabled for members (shown next to it, and tied to it with aria-describedby).
export function OwnerOnlyNote({ id, what = "change this" }: { id: string; what?: string }) {
  return (
    <p id={id} className="text-xs text-slate-500">
      Only the account&apos;s owner can {what}. Ask an owner, or sign in as one.
    </p>
  );
}
