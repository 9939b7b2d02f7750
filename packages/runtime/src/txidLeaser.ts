import { DependencyUnavailable } from '@strife/domain';

export interface IdBlock {
  readonly first: bigint;
  readonly count: number;
}

export interface TxIdLeaserOptions {
  /** Fetches a block of `count` ids, e.g. from the TxId service's `Lease`. */
  readonly lease: (count: number) => Promise<IdBlock>;
  /** Ids per lease. Default 1000. */
  readonly blockSize?: number;
  /** Fetch the next block in the background once fewer ids than this remain. Default blockSize / 4. */
  readonly refillBelow?: number;
}

/**
 * Hands out transaction ids from leased blocks, keeping the next block fetched ahead of need so
 * a payment does not wait on the TxId service in the common case. Ids are unique and increase
 * within a process because at most one lease is in flight and blocks are used in order.
 */
export class TxIdLeaser {
  private readonly blocks: { next: bigint; end: bigint }[] = [];
  private fetching: Promise<void> | undefined;
  private readonly blockSize: number;
  private readonly refillBelow: bigint;

  constructor(private readonly options: TxIdLeaserOptions) {
    this.blockSize = options.blockSize ?? 1000;
    this.refillBelow = BigInt(options.refillBelow ?? Math.floor(this.blockSize / 4));
  }

  /** The next id. @throws DependencyUnavailable when no block is left and leasing fails. */
  async next(): Promise<bigint> {
    for (;;) {
      const block = this.blocks[0];
      if (block && block.next < block.end) {
        const id = block.next++;
        if (this.remaining() < this.refillBelow) this.refill().catch(() => undefined);
        return id;
      }
      if (block) this.blocks.shift();
      else await this.refill();
    }
  }

  private remaining(): bigint {
    return this.blocks.reduce((sum, b) => sum + (b.end - b.next), 0n);
  }

  private refill(): Promise<void> {
    this.fetching ??= this.options
      .lease(this.blockSize)
      .then(
        (block) => {
          this.blocks.push({ next: block.first, end: block.first + BigInt(block.count) });
        },
        (err: unknown) => {
          throw new DependencyUnavailable(
            `cannot lease transaction ids: ${err instanceof Error ? err.message : String(err)}`,
          );
        },
      )
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }
}
