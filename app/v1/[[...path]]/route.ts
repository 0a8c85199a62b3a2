// /v1 and any /v1/* path without a route of its own — answered by the gateway pipeline in OpenAI's
// shape (401 without a key, 404 naming the endpoints), not by an HTML page or a sign-in redirect.
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export const dynamic = "force-dynamic";
export const GET = webGatewayHandler;
export const POST = webGatewayHandler;
export const PUT = webGatewayHandler;
export const PATCH = webGatewayHandler;
export const DELETE = webGatewayHandler;
