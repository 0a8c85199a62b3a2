// GET /v1/models/{model} — one model, as OpenAI's SDKs retrieve it.
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export const dynamic = "force-dynamic";
export const GET = webGatewayHandler;
export const POST = webGatewayHandler;
export const PUT = webGatewayHandler;
export const PATCH = webGatewayHandler;
export const DELETE = webGatewayHandler;
