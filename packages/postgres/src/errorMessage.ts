/**
 * The message of `error`, which need not be an `Error` of this realm (errors from Node's own
 * modules fail `instanceof Error` inside jest's sandbox, for one).
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { message } = error;
    if (typeof message === 'string') return message;
  }
  return String(error);
}
