// /api and any /api/* path no route serves (outside /api/v1, /api/operator and next-auth's /api/auth,
// which have catch-alls of their own): 404 in the §7 shape naming the path (lib/http/catch-all-route.ts).
export { GET, POST, PUT, PATCH, DELETE, OPTIONS } from "@/lib/http/catch-all-route";

export const dynamic = "force-dynamic";
