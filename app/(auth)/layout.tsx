// Sign-in / sign-up frame.
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <p className="text-center text-2xl font-bold tracking-tight">
          head<span className="text-indigo-600">room</span>
        </p>
        {children}
      </div>
    </main>
  );
}
