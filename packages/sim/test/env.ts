/** A whole number from the environment, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number`);
  return n;
}

/** Events per schedule while faults are on (`STRIFE_SIM_STEPS`, default 100). */
export const STEPS = envInt('STRIFE_SIM_STEPS', 100);
