"use client";
// The console's navigation: a sidebar on wide screens, a top bar on phones.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";

const LINKS = [{ href: "/", label: "Overview" }] as const;

export function ConsoleNav({
  accountName,
  email,
  role,
  isOperator,
}: {
  accountName: string;
  email: string;
  role: string;
  isOperator: boolean;
}) {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Console"
      className="border-b border-slate-200 bg-white px-4 py-3 md:min-h-screen md:w-56 md:border-r md:border-b-0 md:py-6"
    >
      <div className="flex items-center justify-between md:block">
        <Link href="/" className="text-lg font-bold tracking-tight">
          head<span className="text-indigo-600">room</span>
        </Link>
        <div className="text-right text-xs text-slate-500 md:mt-4 md:text-left">
          <p className="font-medium text-slate-800" data-testid="account-name">
            {accountName}
          </p>
          <p>
            {email} · <span data-testid="role">{role}</span>
          </p>
        </div>
      </div>
      <ul className="mt-3 flex gap-1 overflow-x-auto md:mt-6 md:flex-col">
        {LINKS.map((l) => (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={pathname === l.href ? "page" : undefined}
              className="block rounded-md px-3 py-2 text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
            >
              {l.label}
            </Link>
          </li>
        ))}
        {isOperator && (
          <li>
            <span className="block px-3 py-2 text-xs font-semibold text-slate-400 uppercase">Operator</span>
          </li>
        )}
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
    </nav>
  );
}
