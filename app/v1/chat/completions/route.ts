// POST /v1/chat/completions — admit, serve, meter (the same pipeline as the server's fast path).
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export const dynamic = "force-dynamic";
export const POST = webGatewayHandler;
export const GET = webGatewayHandler;
export const PUT = webGatewayHandler;
export const PATCH = webGatewayHandler;
export const DELETE = webGatewayHandler;
