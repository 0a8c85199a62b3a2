"use client";
// The console's navigation: a sidebar on wide screens, a scrollable top bar on phones. Account pages
// for anyone with an account; the operator section only for operators.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
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

function NavLink({ href, label, pathname }: { href: string; label: string; pathname: string }) {
  return (
    <li>
      <Link
        href={href}
        aria-current={isCurrent(pathname, href) ? "page" : undefined}
        className="block rounded-md px-3 py-2 text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
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
  return (
    // The column stretches to the page's height (white, bordered); its contents stick to the top.
    <nav aria-label="Console" className="border-b border-slate-200 bg-white md:w-56 md:shrink-0 md:border-r md:border-b-0">
      <div className="px-4 py-3 md:sticky md:top-0 md:max-h-screen md:overflow-y-auto md:py-6">
        <div className="flex items-center justify-between gap-3 md:block">
          <Link href={hasAccount ? "/" : "/operator"} className="text-lg font-bold tracking-tight">
            head<span className="text-indigo-600">room</span>
          </Link>
          <div className="min-w-0 text-right text-xs text-slate-500 md:mt-4 md:text-left">
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
        </div>
        <ul className="mt-3 flex gap-1 overflow-x-auto md:mt-6 md:flex-col">
          {hasAccount && LINKS.map((l) => <NavLink key={l.href} {...l} pathname={pathname} />)}
          {isOperator && (
            <li aria-hidden="true" className="md:mt-4">
              <span className="block px-3 py-2 text-xs font-semibold whitespace-nowrap text-slate-400 uppercase">Operator</span>
            </li>
          )}
          {isOperator && OPERATOR_LINKS.map((l) => <NavLink key={l.href} {...l} pathname={pathname} />)}
          <li className="md:mt-6">
            <button
              type="button"
              onClick={() => signOut({ callbackUrl: "/signin" })}
              className="block w-full rounded-md px-3 py-2 text-left text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100"
            >
              Sign out
            </button>
          </li>
        </ul>
      </div>
    </nav>
  );
}
