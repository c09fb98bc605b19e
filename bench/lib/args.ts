/** `--name <integer ≥ min>` from a bench's arguments, or `fallback`. */
export const intOption = (args: string[], name: string, fallback: number, min = 1): number => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return value;
};

/** `--name` present or not. */
export const flag = (args: string[], name: string): boolean => args.includes(`--${name}`);

/** Progress lines go to stderr, so that stdout stays the result table. */
export const progress = (message: string): void => {
  process.stderr.write(`  … ${message}\n`);
};
