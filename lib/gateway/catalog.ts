// Served models and their rate-limit policies, cached in memory (refreshed every few seconds and
// invalidated at once when an operator edits a policy on this instance).
import { lookupDb } from "../db";
import { errorSummary, log } from "../log";
import { DEFAULT_POLICY, type Policy } from "../limits";

export interface CatalogModel {
  id: string;
  name: string;
  displayName: string;
  inputPricePerMTok: bigint;
  outputPricePerMTok: bigint;
  capacityTokensPerMin: number;
  concurrency: number;
  tokensPerSecond: number;
  firstTokenMs: number;
  contextWindow: number;
  createdAt: Date;
  policy: Policy;
}

const REFRESH_MS = 5_000;
const MISS_RELOAD_MS = 1_000;

export class ModelCatalog {
  private byName = new Map<string, CatalogModel>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** The model if the catalog is fresh and has it, without waiting (the request path's fast case); else get(). */
  peek(name: string): CatalogModel | undefined {
    return this.now() - this.loadedAt < REFRESH_MS ? this.byName.get(name) : undefined;
  }

  async get(name: string): Promise<CatalogModel | undefined> {
    await this.fresh();
    const hit = this.byName.get(name);
    if (hit) return hit;
    // A model added moments ago: reload now, but at most once a second (unknown names are cheap to send).
    if (this.now() - this.loadedAt >= MISS_RELOAD_MS) {
      await (this.loading ??= this.load().finally(() => (this.loading = null)));
    }
    return this.byName.get(name);
  }

  async list(): Promise<CatalogModel[]> {
    await this.fresh();
    return [...this.byName.values()];
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async fresh(): Promise<void> {
    if (this.now() - this.loadedAt < REFRESH_MS) return;
    // Serve the previous catalog while a refresh is in flight (only the first load waits).
    if (!this.loading) {
      this.loading = this.load().finally(() => (this.loading = null));
      // A refresh nobody waits for that fails (the database away) keeps the previous catalog; unhandled,
      // its rejection would end the process.
      this.loading.catch((err: unknown) =>
        log.warn("refreshing the model catalog failed; serving the previous one", { error: errorSummary(err) }),
      );
    }
    if (this.byName.size === 0 || this.loadedAt === 0) await this.loading;
  }

  private async load(): Promise<void> {
    // A request may wait on it (the first load, an unknown name): bounded like the gateway's other lookups.
    const rows = await lookupDb().model.findMany({ where: { active: true }, include: { policy: true } });
    const next = new Map<string, CatalogModel>();
    for (const { policy, ...m } of rows) {
      next.set(m.name, {
        id: m.id,
        name: m.name,
        displayName: m.displayName,
        inputPricePerMTok: m.inputPricePerMTok,
        outputPricePerMTok: m.outputPricePerMTok,
        capacityTokensPerMin: m.capacityTokensPerMin,
        concurrency: m.concurrency,
        tokensPerSecond: m.tokensPerSecond,
        firstTokenMs: m.firstTokenMs,
        contextWindow: m.contextWindow,
        createdAt: m.createdAt,
        policy: policy
          ? {
              baseRpm: policy.baseRpm,
              capRpm: policy.capRpm,
              growthRpmPerMinute: policy.growthRpmPerMinute,
              tokensPromptPerRequest: policy.tokensPromptPerRequest,
              tokensGeneratedPerReq: policy.tokensGeneratedPerReq,
              sustainThresholdPct: policy.sustainThresholdPct,
              idleThresholdPct: policy.idleThresholdPct,
              decayHalfLifeMinutes: policy.decayHalfLifeMinutes,
              hardMultiplier: policy.hardMultiplier,
              growthGatePct: policy.growthGatePct,
              defaultMaxTokens: policy.defaultMaxTokens,
            }
          : { ...DEFAULT_POLICY },
      });
    }
    this.byName = next;
    this.loadedAt = this.now();
  }
}
