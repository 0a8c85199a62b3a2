// Guards the console: pages need a session (JWT checked at the edge); the APIs authenticate
// themselves (API key or session) and answer 401 in the §7 shape instead of redirecting.
import { withAuth } from "next-auth/middleware";

export default withAuth({ pages: { signIn: "/signin" } });

export const config = {
  // /invite/{token} is public: the invitee may not have a sign-in yet (the page checks the session itself).
  matcher: ["/((?!api/|api$|v1/|v1$|signin|signup|invite/|_next/|favicon.ico).*)"],
};
