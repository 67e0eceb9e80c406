// Coalesces concurrent requests into batches: a batch is sent when maxBatch requests wait or
// maxWaitMs after its first request, whichever comes first. Each request settles with its
// own outcome; an item the batch run reports as failed rejects alone, and when the batch
// run itself fails every item is retried on its own, so no accepted request is lost.

export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
}

/** Runs several items at once; each entry is that item's result or its own Error. */
export type RunBatch<I, R> = (items: I[]) => Promise<(R | Error)[]>;
/** Runs one item (a batch of one, and the fallback when a batch run fails). */
export type RunOne<I, R> = (item: I) => Promise<R>;

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<I, R> {
  private queue: Pending<I, R>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: BatcherOptions,
    private readonly runBatch: RunBatch<I, R>,
    private readonly runOne: RunOne<I, R>,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError('maxBatch must be an integer >= 1');
    if (!(options.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
  }

  /** Requests waiting for their batch to be sent. */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    if (batch.length > 0) void this.dispatch(batch);
  }

  private async dispatch(batch: Pending<I, R>[]): Promise<void> {
    if (batch.length === 1) {
      this.runAlone(batch[0]);
      return;
    }
    let outcomes: (R | Error)[];
    try {
      outcomes = await this.runBatch(batch.map((p) => p.item));
      if (outcomes.length !== batch.length) throw new Error(`the batch run returned ${outcomes.length} results for ${batch.length} items`);
    } catch {
      batch.forEach((pending) => this.runAlone(pending));
      return;
    }
    outcomes.forEach((outcome, i) => {
      if (outcome instanceof Error) batch[i].reject(outcome);
      else batch[i].resolve(outcome);
    });
  }

  private runAlone(pending: Pending<I, R>): void {
    let running: Promise<R>;
    try {
      running = this.runOne(pending.item);
    } catch (error) {
      pending.reject(error);
      return;
    }
    running.then(pending.resolve, pending.reject);
  }
}
