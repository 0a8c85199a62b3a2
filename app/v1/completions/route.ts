// POST /v1/completions — admit, serve, meter (legacy text completions).
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export const dynamic = "force-dynamic";
export const POST = webGatewayHandler;
export const GET = webGatewayHandler;
export const PUT = webGatewayHandler;
export const PATCH = webGatewayHandler;
export const DELETE = webGatewayHandler;
