"use client";
// The console's navigation: a sidebar on wide screens; on phones a bar with the current page's name
// and a "Menu" button that shows every page over the page (so opening it moves nothing). Open, the bar
// and the menu are a modal dialog: focus moves into it and stays there, the page behind is inert and
// does not scroll, and Escape, a tap on the page or a wider screen closes it, focus back on the button.
// One list in the DOM for both, switched by CSS: nothing moves when the page hydrates.
// Account pages for anyone with an account; the operator section only for operators.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useId, useRef, useState } from "react";
import { tabStops, useModal } from "@/components/ui/use-modal";
import { AccountSwitcher } from "./account-switcher";

export const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/usage", label: "Usage & limits" },
  { href: "/billing", label: "Billing" },
  { href: "/invoices", label: "Invoices" },
  { href: "/quotas", label: "Quotas" },
  { href: "/api-keys", label: "API keys" },
  { href: "/members", label: "Members" },
  { href: "/deployments", label: "Deployments" },
  { href: "/notifications", label: "Notifications" },
] as const;

export const OPERATOR_LINKS = [
  { href: "/operator/accounts", label: "Accounts" },
  { href: "/operator/quota-requests", label: "Quota requests" },
  { href: "/operator/policies", label: "Rate-limit policies" },
] as const;

/** A link is current on its own page and on the pages below it (/invoices/123 → Invoices). */
export function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

// Phone or touch screen: full-width rows of at least 44 px to tap; wide screens with a mouse: the sidebar's rows as they were.
const ITEM = "block w-full rounded-md px-3 py-3 text-left text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100 md:py-2 touch:py-3";

function NavLink({ href, label, pathname, onNavigate }: { href: string; label: string; pathname: string; onNavigate: () => void }) {
  return (
    <li>
      <Link
        href={href}
        onClick={onNavigate}
        aria-current={isCurrent(pathname, href) ? "page" : undefined}
        className={`${ITEM} aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700`}
      >
        {label}
      </Link>
    </li>
  );
}

export function ConsoleNav({
  accountName,
  email,
  role,
  isOperator,
  hasAccount = true,
}: {
  accountName: string;
  email: string;
  role: string;
  isOperator: boolean;
  hasAccount?: boolean;
}) {
  const pathname = usePathname();
  // The phone menu is open for the page it was opened on: any navigation (a link, Back) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const current = [...(hasAccount ? LINKS : []), ...(isOperator ? OPERATOR_LINKS : [])].find((l) => isCurrent(pathname, l.href));

  useModal(dialogRef, open);

  // Open: focus moves to the menu's first control. Escape closes it, focus back on its button
  // (listening on window lets an open account switcher inside the menu take the Escape first: it
  // marks the event handled). A screen widened to the sidebar's layout (a tablet turned) closes it.
  useEffect(() => {
    if (!open) return;
    if (panelRef.current) tabStops(panelRef.current)[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      setOpenOn(null);
      buttonRef.current?.focus();
    };
    const wide = window.matchMedia("(width >= 48rem)");
    const onWide = () => wide.matches && setOpenOn(null);
    window.addEventListener("keydown", onKey);
    wide.addEventListener("change", onWide);
    onWide();
    return () => {
      window.removeEventListener("keydown", onKey);
      wide.removeEventListener("change", onWide);
    };
  }, [open]);

  /** Closes the open menu, focus back on its button (a link chosen in it is about to be hidden; a tap beside it leaves focus nowhere). */
  function close() {
    if (!open) return;
    setOpenOn(null);
    buttonRef.current?.focus();
  }

  return (
    // Phones: a bar that stays at the top. Wide screens: the column stretches to the page's height
    // (white, bordered) and its contents stick to the top. The page keeps what it scrolls into view
    // below the bar (scroll-padding-top, globals.css); the bar's own controls are always in view, so a
    // negative margin cancels that for them — else focusing one would scroll the page to its top.
    <nav
      aria-label="Console"
      className="sticky top-0 z-30 border-b border-slate-200 bg-white max-md:**:-scroll-mt-16 md:static md:z-auto md:w-56 md:shrink-0 md:border-r md:border-b-0"
    >
      <div
        ref={dialogRef}
        role={open ? "dialog" : undefined}
        aria-modal={open ? true : undefined}
        aria-label={open ? "Menu" : undefined}
        className="md:sticky md:top-0 md:max-h-screen md:overflow-y-auto md:px-4 md:py-6"
      >
        <div className="flex h-14 items-center gap-3 px-4 md:block md:h-auto md:px-0">
          <Link
            href={hasAccount ? "/" : "/operator"}
            onClick={close}
            className="inline-flex min-h-11 shrink-0 items-center text-lg font-bold tracking-tight md:inline md:min-h-0 touch:inline-flex touch:min-h-11"
          >
            {/* One inline run inside the flex box, so the name reads "headroom", not "head room". */}
            <span>
              head<span className="text-indigo-600">room</span>
            </span>
          </Link>
          <p
            className="min-w-0 flex-1 truncate border-l border-slate-200 pl-3 text-sm font-medium text-slate-700 md:hidden"
            data-testid="nav-current-page"
          >
            {current?.label}
          </p>
          <button
            ref={buttonRef}
            type="button"
            aria-expanded={open}
            aria-controls={menuId}
            onClick={() => setOpenOn(open ? null : pathname)}
            className="-mr-2 inline-flex min-h-11 shrink-0 items-center gap-2 rounded-md px-3 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-expanded:bg-slate-100 md:hidden"
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 20 20"
              className="size-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
            >
              {open ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5.5h14M3 10h14M3 14.5h14" />}
            </svg>
            Menu
          </button>
        </div>
        {/* Phones: under the bar, over the page, scrolling on its own when taller than the screen. */}
        <div
          ref={panelRef}
          id={menuId}
          className={`${open ? "block" : "hidden"} absolute inset-x-0 top-full max-h-[calc(100dvh-4rem)] overflow-y-auto overscroll-contain border-b border-slate-200 bg-white px-4 pt-3 pb-4 shadow-lg md:static md:block md:max-h-none md:overflow-visible md:border-0 md:p-0 md:shadow-none`}
        >
          <div className="min-w-0 border-b border-slate-200 pb-3 text-xs text-slate-500 md:mt-4 md:border-0 md:pb-0">
            {/* The operator console's title is not an account: nothing to switch there. */}
            {role === "operator" ? (
              <p className="truncate font-medium text-slate-800" data-testid="account-name">
                {accountName}
              </p>
            ) : (
              <AccountSwitcher accountName={accountName} />
            )}
            <p className="truncate">
              {email} · <span data-testid="role">{role}</span>
            </p>
          </div>
          <ul className="mt-3 flex flex-col gap-1 md:mt-6">
            {hasAccount && LINKS.map((l) => <NavLink key={l.href} {...l} pathname={pathname} onNavigate={close} />)}
            {isOperator && (
              <li aria-hidden="true" className="mt-2 md:mt-4">
                <span className="block px-3 py-2 text-xs font-semibold whitespace-nowrap text-slate-400 uppercase">Operator</span>
              </li>
            )}
            {isOperator && OPERATOR_LINKS.map((l) => <NavLink key={l.href} {...l} pathname={pathname} onNavigate={close} />)}
            <li className="mt-2 md:mt-6">
              <button type="button" onClick={() => signOut({ callbackUrl: "/signin" })} className={ITEM}>
                Sign out
              </button>
            </li>
          </ul>
        </div>
        {/* Phones: the page under an open menu is dimmed, and a tap on it closes the menu (instead of
            landing on the page); a finger dragged on it does not scroll the page either. Inside the
            dialog, as everything outside it is inert. */}
        {open && (
          <div aria-hidden="true" className="fixed inset-x-0 top-14 bottom-0 -z-10 touch-none bg-slate-900/20 md:hidden" onClick={close} />
        )}
      </div>
    </nav>
  );
}
