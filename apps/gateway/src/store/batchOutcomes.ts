/**
 * Whether a store's last group-commit batch failed (an I/O error, a full disk, a database that
 * refused it), fed by the group commit's `onCommit` and `onFailure`. The store's `ping` then
 * probes with a write instead of trusting that the database is there: health follows the
 * writes, on either backend.
 */
export function batchOutcomes(onCommit?: (writes: number, seconds: number) => void): {
  readonly failing: boolean;
  readonly onCommit: (writes: number, seconds: number) => void;
  readonly onFailure: () => void;
} {
  let failing = false;
  return {
    get failing() {
      return failing;
    },
    onCommit: (writes, seconds) => {
      failing = false;
      onCommit?.(writes, seconds);
    },
    onFailure: () => {
      failing = true;
    },
  };
}
