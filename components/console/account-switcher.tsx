"use client";
// The console's account: its name, and — for someone in more than one account — a "Switch" menu
// listing the others. Choosing one selects it for the session and reloads the console on it.
// The button sits on the name's line, so it appears (once the list has loaded) without moving anything
// on wide screens; on phones (in the navigation's menu) it and the accounts are 44 px targets.
import { useEffect, useId, useRef, useState } from "react";
import { ROLE_LABEL } from "@/components/members/format";
import { useSelectAccount, useSessionAccounts } from "@/components/members/hooks/use-accounts";

export function AccountSwitcher({ accountName }: { accountName: string }) {
  const accounts = useSessionAccounts().data?.accounts ?? [];
  const select = useSelectAccount();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  // Close on a click outside, and on Escape (focus back on the button).
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault(); // handled: the phone menu around the switcher stays open
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={rootRef} className="relative flex min-w-0 items-baseline gap-2">
      <p className="truncate font-medium text-slate-800" data-testid="account-name">
        {accountName}
      </p>
      {accounts.length > 1 && (
        <button
          ref={buttonRef}
          type="button"
          aria-expanded={open}
          aria-controls={menuId}
          aria-label="Switch account"
          onClick={() => setOpen((o) => !o)}
          className="inline-flex min-h-11 min-w-11 shrink-0 items-center justify-center rounded px-2 font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 md:-m-1 md:min-h-0 md:min-w-0 md:p-1 touch:m-0 touch:min-h-11 touch:min-w-11 touch:px-2 touch:py-0"
        >
          Switch
        </button>
      )}
      {open && (
        <div
          id={menuId}
          className="absolute top-full left-0 z-20 mt-1 w-64 max-w-[calc(100vw-2rem)] rounded-md bg-white p-1 text-left shadow-lg ring-1 ring-slate-200 md:w-full"
        >
          <p className="px-2 py-1 text-xs font-semibold text-slate-500">Your accounts</p>
          <ul aria-label="Your accounts">
            {accounts.map((a) => (
              <li key={a.accountId}>
                <button
                  type="button"
                  autoFocus={a.current}
                  aria-current={a.current ? "true" : undefined}
                  disabled={select.isPending}
                  onClick={() => (a.current ? setOpen(false) : select.mutate(a.accountId, { onSuccess: () => setOpen(false) }))}
                  className="flex w-full items-baseline justify-between gap-2 rounded px-2 py-3 text-left text-sm md:py-1.5 touch:py-3 text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-60 aria-[current=true]:bg-indigo-50 aria-[current=true]:font-medium aria-[current=true]:text-indigo-700"
                >
                  <span className="truncate">{a.name}</span>
                  <span className="shrink-0 text-xs text-slate-500">{a.current ? "current" : ROLE_LABEL[a.role].toLowerCase()}</span>
                </button>
              </li>
            ))}
          </ul>
          {select.isError && (
            <p role="alert" className="px-2 py-1 text-xs text-red-600">
              {select.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
