/** Longest piece of caller input an error message repeats. */
export const MAX_QUOTED = 40;

/**
 * `text` in double quotes for an error message, cut to `max` characters with a marker saying
 * how long it was: input is echoed back to whoever sent it, and a message carrying a megabyte
 * of it would not fit in the call's trailers.
 */
export function quote(text: string, max = MAX_QUOTED): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}
