// next-auth configuration: e-mail + password (argon2id), JWT sessions; GitHub when configured.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GithubProvider from "next-auth/providers/github";
import { callerIp } from "../http/client-ip";
import { verifyCredentials } from "./verify-credentials";

/** The address server.ts resolved for this request (lib/http/client-ip.ts); "unknown" without it. */
const clientIp = (headers: Record<string, unknown> | undefined): string => callerIp(headers) ?? "unknown";

export class ThrottledError extends Error {}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "E-mail",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const result = await verifyCredentials(credentials, clientIp(req?.headers));
        if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
        // next-auth passes the message to the client as `error`.
        if (result.reason === "throttled") throw new Error("Too many failed sign-in attempts; try again in 15 minutes.");
        return null;
      },
    }),
    ...(process.env.GITHUB_ID && process.env.GITHUB_SECRET
      ? [GithubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET })]
      : []),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) token.uid = user.id;
      return token;
    },
    async session({ session, token }) {
      if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
      return session;
    },
  },
};
