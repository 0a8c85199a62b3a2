// Group-commit metering: served requests queue their usage; a flush writes everything queued in
// one statement. A response completes only after its usage is durable (record() resolves after the
// commit), so killing the process never loses the usage of a response a client saw finish.
//
// Requests are queued in lanes by account, and each lane has at most one flush in flight: a flush
// locks its accounts' rows until it commits, so two flushes for the same account could only wait
// for each other, and while one runs the next batch grows. Different lanes flush in parallel.
// Batches grow with load and add no latency when idle.
//
// While the database is unreachable a record stays queued and is retried (a batch is idempotent
// on request ids), but its caller need not wait forever: past its wait, a record the caller may
// withdraw (a response not yet sent) is taken out of the queue, never to be charged, and one it
// may not (a stream the client already received) stays queued to be charged when the database
// returns; either way the caller hears MeterUnavailableError and which of the two happened (one
// told "still queued" also gets a promise of how that ends, to hold its spend reservation till then). A
// withdrawable record already in a flush cannot be taken out: its caller hears when the flush
// ends — committed (the response goes out), or failed (back in the queue, then withdrawn) — so a
// client is never told "not recorded" for a response that is charged. A stalled flush ends at the
// meter connection's statement timeout (lib/db).
//
// A flush whose connection is lost after its statement was sent (a reset, the driver's timeout) may
// have committed, or may still be on its way. Its records are retried as usual (a replay charges
// nothing twice), but one of them withdrawn afterwards (its caller told "not charged") is "in doubt":
// once the database answers, the meter settles it for good (lib/billing/settle-withdrawn-charges.ts)
// — if it was charged the charge comes back as credits; if not, a withdrawn usage record takes its
// request id, so that no statement arriving later can charge it.
//
// A batch the database refuses for its data (a value out of range, a key that clashes) would fail
// the same way on every retry and hold back its lane for good: the lane's batches are halved until
// the offending record is alone, and that one is dropped — its caller hears it was withdrawn, and
// the loss is logged as an error with what it would have cost.
import diagnostics from "node:diagnostics_channel";
import { chargeUsageBatch, type UsageCharge } from "../billing/charge-usage-batch";
import { settleWithdrawnCharges, type WithdrawnRequest } from "../billing/settle-withdrawn-charges";
import type { DoubtJournal } from "./doubt-journal";
import { outcomeUnknown } from "../db";
import { errorSummary, log } from "../log";
import { fnv1a } from "../hash";

interface Pending {
  usage: UsageCharge;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** performance.now() after which the caller stops waiting (Infinity: waits until committed). */
  due: number;
  withdrawable: boolean;
  /** The caller was already told (the record may still be committed later). */
  answered: boolean;
  /** Set when the caller was told "still queued": hears whether the record was committed in the end. */
  onSettled: ((committed: boolean) => void) | null;
  /** It was in a flush whose outcome is unknown: it may be committed already (see the header). */
  doubtful: boolean;
}

interface Lane {
  queue: Pending[];
  /** The batch being flushed; empty when none is. */
  inFlight: Pending[];
  /** Most records in one flush: MAX_BATCH, less while a refused record is being isolated. */
  cap: number;
}

export interface RecordOptions {
  /** Longest the caller waits for the commit (default: until it is committed). */
  waitMs?: number;
  /** Past the wait, take the record out of the queue if it is not in a flush yet (it will not be charged). */
  withdrawOnTimeout?: boolean;
}

/** The usage could not be committed within the caller's wait (the database is unreachable or stalled). */
export class MeterUnavailableError extends Error {
  constructor(
    /**
     * True: taken out of the queue, never charged (one charged by a flush whose outcome was unknown
     * is credited back). False: still queued, charged once the database answers.
     */
    readonly withdrawn: boolean,
    /**
     * Resolves true once a record still queued is committed, false if it never will be (withdrawn,
     * or dropped: refused by the database, or the meter closed with the database gone). For a
     * withdrawn record in doubt: whether it had been charged (then credited back), once checked.
     * Whatever the caller holds for the record (its spend reservation) is held until then.
     */
    readonly committed: Promise<boolean> = Promise.resolve(false),
  ) {
    super(
      withdrawn ? "usage not recorded: the database did not answer in time" : "usage not yet recorded: the database did not answer in time",
    );
    this.name = "MeterUnavailableError";
  }
}

const MAX_BATCH = 400;
const LANES = 4;
/** How often waits are checked while anything is queued. */
const SWEEP_MS = 100;
/** How long after a record in doubt is withdrawn it is first settled (the database just failed: give it a moment). */
const DOUBT_CHECK_MS = 1_000;
/** A check of withdrawn records in doubt that failed (the database still away) is tried again after this. */
const DOUBT_RETRY_MS = 2_000;
/** Most records in doubt checked at once. */
const DOUBT_CHUNK = 500;

export interface MeterHooks {
  onFlush?: (size: number, ms: number) => void;
  onResync?: (accountIds: string[]) => void;
  /** Accounts a flush may have taken past a budget alert's threshold. */
  onAlert?: (accountIds: string[]) => void;
}

/** Each committed flush, for diagnostics: `{ size, started, ms }` (performance.now() times). */
export const flushChannel = diagnostics.channel("headroom:meter:flush");

/**
 * PostgreSQL refused the statement for the data it carried (SQLSTATE class 22, data exception, or
 * 23, integrity constraint violation): the same batch can never succeed. Other errors (connection
 * lost, server shutting down, a missing table mid-deploy) may pass: those batches are retried.
 */
function refusesTheData(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

/** FNV-1a of the account id: the same account always lands in the same lane. */
function laneOf(accountId: string): number {
  return fnv1a(accountId) % LANES;
}

export class Meter {
  private lanes: Lane[] = Array.from({ length: LANES }, () => ({ queue: [], inFlight: [], cap: MAX_BATCH }));
  private sweeper: NodeJS.Timeout | null = null;
  private waiting = 0;
  private scheduled = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  private closed = false;
  /**
   * Withdrawn records that may have been charged, and when (performance.now()) to check them: in that
   * order. `onSettled` tells the caller how it ended (none for one taken over from a process now gone).
   */
  private doubts: { usage: WithdrawnRequest; onSettled: ((charged: boolean) => void) | null; after: number }[] = [];
  /** Where records in doubt are kept until settled, so a process killed meanwhile does not forget them. */
  private journal: DoubtJournal | null = null;
  private doubtTimer: NodeJS.Timeout | null = null;
  /** The check running, if one is. */
  private checking: Promise<boolean> | null = null;
  /** After a check that failed: not before this. */
  private retryDoubtsAt = 0;
  private doubtFailures = 0;
  private doubtsClosed = false;

  /** `doubtCheckMs`: how long after a record in doubt is withdrawn it is first checked. */
  constructor(
    private readonly hooks: MeterHooks = {},
    private readonly doubtCheckMs: number = DOUBT_CHECK_MS,
  ) {}

  /** Records waiting to be committed (queued or in a flush). */
  get depth(): number {
    return this.waiting;
  }

  /**
   * Resolves when the usage is committed. Retries while the database is unreachable; with a wait,
   * rejects with MeterUnavailableError once it has passed (see the header).
   */
  record(usage: UsageCharge, opts: RecordOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const due = opts.waitMs === undefined ? Infinity : performance.now() + opts.waitMs;
      this.lanes[laneOf(usage.accountId)]!.queue.push({
        usage,
        resolve,
        reject,
        due,
        withdrawable: opts.withdrawOnTimeout === true,
        answered: false,
        onSettled: null,
        doubtful: false,
      });
      this.waiting++;
      if (due !== Infinity) this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
      this.schedule();
    });
  }

  /** Tells callers whose wait has passed; withdraws the records they may withdraw. */
  private sweep(): void {
    const now = performance.now();
    const withdrawn: Pending[] = [];
    for (const lane of this.lanes) {
      for (const p of lane.inFlight) {
        if (!p.answered && !p.withdrawable && p.due < now) this.answerQueued(p);
      }
      for (let i = 0; i < lane.queue.length; i++) {
        const p = lane.queue[i]!;
        if (p.answered || p.due >= now) continue;
        if (p.withdrawable) {
          lane.queue.splice(i--, 1);
          this.waiting--;
          withdrawn.push(p);
        } else {
          this.answerQueued(p);
        }
      }
    }
    this.withdraw(withdrawn);
    if (this.waiting === 0) this.settled();
  }

  private answer(p: Pending, err: unknown): void {
    p.answered = true;
    p.reject(err);
  }

  /**
   * Takes records out for good and tells their callers. One in doubt (see the header) is checked once
   * its time comes, and its caller's `committed` says how that ended; it is in the journal (synced)
   * before its caller hears, so a process killed before the check leaves it for the next one.
   */
  private withdraw(withdrawn: Pending[]): void {
    if (withdrawn.length === 0) return;
    const doubtful = withdrawn.filter((p) => p.doubtful);
    if (doubtful.length > 0 && this.journal) {
      try {
        this.journal.add(doubtful.map((p) => p.usage));
      } catch (err) {
        // They are still checked while this process runs; only a kill before that would lose them.
        log.error("could not write withdrawn responses in doubt to the journal", {
          file: this.journal.file,
          requestIds: doubtful.map((p) => p.usage.requestId),
          error: errorSummary(err),
        });
      }
    }
    const after = performance.now() + this.doubtCheckMs;
    for (const p of withdrawn) {
      if (!p.doubtful) {
        this.answer(p, new MeterUnavailableError(true));
        continue;
      }
      const committed = new Promise<boolean>((resolve) => (p.onSettled = resolve));
      this.answer(p, new MeterUnavailableError(true, committed));
      this.doubts.push({ usage: p.usage, onSettled: p.onSettled, after });
    }
    this.checkDoubtsLater();
  }

  /**
   * Keep records in doubt in `journal` from now on, and settle what processes now gone left in it
   * (the app's start-up, on PostgreSQL).
   */
  useJournal(journal: DoubtJournal): void {
    this.journal = journal;
    // Found now, not first during an outage, when a record in doubt would go unjournaled.
    const problem = journal.check();
    if (problem) log.error("the journal of withdrawn responses in doubt cannot be written", { file: journal.file, error: problem });
    const after = performance.now() + this.doubtCheckMs;
    for (const usage of journal.takeOver()) this.doubts.push({ usage, onSettled: null, after });
    this.checkDoubtsLater();
  }

  private checkDoubtsLater(): void {
    if (this.doubtTimer || this.checking || this.doubtsClosed || this.doubts.length === 0) return;
    const at = Math.max(this.doubts[0]!.after, this.retryDoubtsAt);
    this.doubtTimer = setTimeout(
      () => {
        this.doubtTimer = null;
        void this.checkDoubts(false);
      },
      Math.max(0, at - performance.now()),
    );
    this.doubtTimer.unref();
  }

  /**
   * Were the withdrawn records in doubt charged after all? Those that were are credited back, the
   * others fenced off for good. One check at a time, oldest first, in chunks; `all`: those not yet
   * due too (closing). Resolves false if the database could not be asked (they stay queued for the
   * next try).
   */
  private checkDoubts(all: boolean): Promise<boolean> {
    if (this.checking) return this.checking;
    this.checking = (async () => {
      for (;;) {
        const now = performance.now();
        let n = 0;
        while (n < this.doubts.length && n < DOUBT_CHUNK && (all || this.doubts[n]!.after <= now)) n++;
        if (n === 0) return true;
        const chunk = this.doubts.slice(0, n);
        let charged: Set<string>;
        try {
          charged = await settleWithdrawnCharges(chunk.map((d) => d.usage));
        } catch (err) {
          this.retryDoubtsAt = performance.now() + DOUBT_RETRY_MS;
          // Once, then every tenth try: the database is likely still away, and the meter's flushes say so already.
          if (this.doubtFailures++ % 10 === 0)
            log.warn("checking withdrawn responses in doubt failed; retrying", { records: this.doubts.length, error: errorSummary(err) });
          return false;
        }
        this.doubtFailures = 0;
        this.doubts.splice(0, n);
        if (charged.size > 0) log.warn("withdrawn responses had been charged: credited back", { requestIds: [...charged] });
        this.strikeOff(chunk.map((d) => d.usage.requestId));
        for (const d of chunk) d.onSettled?.(charged.has(d.usage.requestId));
      }
    })().finally(() => {
      this.checking = null;
      this.checkDoubtsLater();
    });
    return this.checking;
  }

  /** Tells the caller its record is still queued, with a promise of how that ends. */
  private answerQueued(p: Pending): void {
    const committed = new Promise<boolean>((resolve) => (p.onSettled = resolve));
    this.answer(p, new MeterUnavailableError(false, committed));
  }

  private settled(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Wait until everything queued so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    // Records in doubt are checked now, not when due: nothing would check them after this.
    this.doubtsClosed = true;
    if (this.doubtTimer) clearTimeout(this.doubtTimer);
    this.doubtTimer = null;
    if (this.checking) await this.checking;
    if (this.doubts.length > 0 && !(await this.checkDoubts(true))) {
      // Left in the journal (if there is one): the next process started on this data folder settles them.
      log.error("closing with withdrawn responses that may have been charged; the database did not answer to check them", {
        requestIds: this.doubts.map((d) => d.usage.requestId),
        ...(this.journal ? { leftFor: "the next start", journal: this.journal.file } : {}),
      });
      for (const d of this.doubts.splice(0)) d.onSettled?.(false);
    }
  }

  /** Settled records leave the journal. */
  private strikeOff(requestIds: string[]): void {
    if (!this.journal) return;
    try {
      this.journal.settled(requestIds);
    } catch (err) {
      // Found again after a restart, they would be settled again: harmless (settling is idempotent).
      log.warn("could not strike settled responses off the journal", { file: this.journal.file, error: errorSummary(err) });
    }
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    // Let requests that finish in the same tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.retryTimer) return;
    for (const lane of this.lanes) this.startFlush(lane);
  }

  private startFlush(lane: Lane): void {
    if (this.retryTimer || lane.inFlight.length > 0 || lane.queue.length === 0) return;
    lane.inFlight = lane.queue.splice(0, lane.cap);
    void this.flush(lane, lane.inFlight);
  }

  private async flush(lane: Lane, batch: Pending[]): Promise<void> {
    const started = performance.now();
    let result: Awaited<ReturnType<typeof chargeUsageBatch>>;
    try {
      result = await chargeUsageBatch(batch.map((p) => p.usage));
    } catch (err) {
      lane.inFlight = [];
      if (refusesTheData(err)) this.isolate(lane, batch, err);
      else this.failed(lane, batch, err);
      if (this.waiting === 0) this.settled();
      return;
    }
    this.failures = 0;
    this.waiting -= batch.length;
    lane.inFlight = [];
    lane.cap = Math.min(MAX_BATCH, lane.cap * 2);
    // The records that queued during this flush go to the database now, before this batch's
    // callers write their responses: the next commit overlaps that work instead of following it.
    this.startFlush(lane);
    const ms = performance.now() - started;
    this.hooks.onFlush?.(batch.length, ms);
    if (flushChannel.hasSubscribers) flushChannel.publish({ size: batch.length, started, ms });
    if (result.resynced.length) this.hooks.onResync?.(result.resynced);
    if (result.alerting.length) this.hooks.onAlert?.(result.alerting);
    for (const p of batch) {
      p.resolve();
      p.onSettled?.(true);
    }
    if (this.waiting === 0) this.settled();
  }

  /** The database refused the batch's data: halve the lane's batches, or drop the record found. */
  private isolate(lane: Lane, batch: Pending[], err: unknown): void {
    const error = errorSummary(err);
    if (batch.length > 1) {
      lane.cap = Math.max(1, Math.floor(batch.length / 2));
      lane.queue.unshift(...batch);
      log.warn("meter flush refused by the database; isolating the record", { batch: batch.length, error });
      this.schedule();
      return;
    }
    const p = batch[0]!;
    this.waiting--;
    log.error("usage record refused by the database: dropped, not charged", {
      requestId: p.usage.requestId,
      accountId: p.usage.accountId,
      costMicros: p.usage.costMicros.toString(),
      withdrawable: p.withdrawable,
      error,
    });
    if (!p.answered) this.answer(p, new MeterUnavailableError(true));
    p.onSettled?.(false);
    this.schedule();
  }

  private failed(lane: Lane, batch: Pending[], err: unknown): void {
    // A batch is idempotent on request ids: retrying after an unknown outcome is safe. Withdrawing a
    // record of it is not, without a check (see withdraw()).
    if (outcomeUnknown(err)) for (const p of batch) p.doubtful = true;
    this.failures++;
    if (this.failures === 1 || this.failures % 20 === 0) {
      log.error("meter flush failed; retrying", {
        batch: batch.length,
        failures: this.failures,
        error: errorSummary(err),
      });
    }
    if (this.closed && this.failures > 50) {
      const dropped = [...batch, ...lane.queue.splice(0)];
      this.waiting -= dropped.length;
      for (const p of dropped) {
        p.reject(err);
        p.onSettled?.(false);
      }
      return;
    }
    // Callers past their wait that may withdraw are told now, before the retry could take their
    // records into another flush that waits as long.
    const now = performance.now();
    const withdrawn: Pending[] = [];
    const retried = batch.filter((p) => {
      if (!p.withdrawable || p.answered || p.due >= now) return true;
      this.waiting--;
      withdrawn.push(p);
      return false;
    });
    this.withdraw(withdrawn);
    lane.queue.unshift(...retried);
    if (this.waiting === 0) this.settled();
    this.retryTimer ??= setTimeout(
      () => {
        this.retryTimer = null;
        this.pump();
      },
      Math.min(2_000, 50 * 2 ** Math.min(this.failures, 6)),
    );
  }
}
