// Dynamic rate limits (SPEC §6): the public API. The gateway calls a LimiterStore; the console's
// GET /api/v1/rate-limits calls peek(); operators' tooling uses simulate(); everything else is the
// pure core those are built on, exported for tests and for the DB-backed policy loader.
export { DEFAULT_POLICY, BUILTIN_POLICIES, builtinPolicy, policySchema, type Policy } from "./policy";
export {
  DIMENSIONS,
  type Admission,
  type Cost,
  type Decision,
  type Dimension,
  type LimiterState,
  type LimitView,
  type Outcome,
  type PerDimension,
} from "./types";
export { costOf, type CostInput } from "./cost";
export { limitRpm, limitsAt } from "./limits-at";
export { SCALE } from "./bucket";
export { advance, freshState } from "./advance";
export { isGrowthGated } from "./growth";
export { admit, type AdmitResult } from "./admit";
export { settle } from "./settle";
export { viewAt, viewOf } from "./view";
export { limitKey, type LimiterStore } from "./store";
export { MemoryLimiterStore } from "./memory-store";
export { RedisLimiterStore, LimiterUnavailableError, type LimiterHooks, type LimiterOp, type RedisLimiterOptions } from "./redis-store";
export { connectRedisLimiterStore, LIMITER_REDIS_OPTIONS } from "./redis-connect";
export { parseTraffic, requestsInMinute, type Traffic } from "./traffic";
export { simulate, type SimulatedMinute, type SimulationInput } from "./simulate";
