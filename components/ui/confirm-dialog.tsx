"use client";
// A modal confirmation on the native <dialog>: focus moves in and is trapped, Escape cancels, focus
// returns to the opener on close. Its body may hold fields: it is a form, so Enter confirms, and
// `initialFocusId` names the control that takes focus on open (else Cancel).
import { useEffect, useId, useRef } from "react";
import { Button } from "./button";

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pending = false,
  tone = "danger",
  onConfirm,
  onCancel,
  initialFocusId,
}: {
  open: boolean;
  title: string;
  children?: React.ReactNode;
  confirmLabel: string;
  pending?: boolean;
  tone?: "danger" | "primary";
  onConfirm: () => void;
  onCancel: () => void;
  initialFocusId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      if (initialFocusId) document.getElementById(initialFocusId)?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, initialFocusId]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg p-5 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!pending) onConfirm();
        }}
      >
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div className="mt-2 text-sm text-slate-600">{children}</div>
        <div className="mt-5 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onCancel} autoFocus={!initialFocusId}>
            Cancel
          </Button>
          <Button type="submit" variant={tone} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
