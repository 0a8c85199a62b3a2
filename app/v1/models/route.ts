// GET /v1/models — the models this key can call.
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export const dynamic = "force-dynamic";
export const GET = webGatewayHandler;
export const POST = webGatewayHandler;
export const PUT = webGatewayHandler;
export const PATCH = webGatewayHandler;
export const DELETE = webGatewayHandler;
