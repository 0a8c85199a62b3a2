// /api/operator and any /api/operator/* path without a route of its own: 404 in the §7 shape naming
// the path (lib/http/catch-all-route.ts).
export { GET, POST, PUT, PATCH, DELETE, OPTIONS } from "@/lib/http/catch-all-route";

export const dynamic = "force-dynamic";
