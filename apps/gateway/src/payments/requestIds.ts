/**
 * Which client request drives each transaction this instance is running, so that every log line
 * of a payment — the gateway's call line and 2PC events, each bank's leg lines — carries its
 * request id beside the txid. Only live payments are here: a transaction finished after a
 * restart or taken over from another instance is logged by txid alone.
 */
export class RequestIds {
  private readonly byTxid = new Map<bigint, string>();

  /** Runs `work` with `txid` tied to `requestId` (when there is one). */
  async during<T>(txid: bigint, requestId: string | undefined, work: () => Promise<T>): Promise<T> {
    if (requestId === undefined) return work();
    this.byTxid.set(txid, requestId);
    try {
      return await work();
    } finally {
      this.byTxid.delete(txid);
    }
  }

  /** The request id driving `txid`, or '' when none is known. */
  of(txid: bigint): string {
    return this.byTxid.get(txid) ?? '';
  }
}
