// /api/auth/* — next-auth (sign-in, sign-out, session, CSRF token); other paths and methods answer
// 404 / 405 in the §7 shape (lib/auth/next-auth-route.ts). POST /api/auth/signup is a route of its own.
import NextAuth from "next-auth";
import { nextAuthRoute } from "@/lib/auth/next-auth-route";
import { authOptions } from "@/lib/auth/options";

const handler = nextAuthRoute(NextAuth(authOptions));
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as OPTIONS };
