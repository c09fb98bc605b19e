/** `--name <integer ≥ min>` from a bench's arguments, or `fallback`. */
export const intOption = (args: string[], name: string, fallback: number, min = 1): number => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return value;
};

/** `--name <value>` from a bench's arguments, or undefined. */
export const stringOption = (args: string[], name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
};

/** `--name` present or not. */
export const flag = (args: string[], name: string): boolean => args.includes(`--${name}`);

/** Progress lines go to stderr, so that stdout stays the result table. */
export const progress = (message: string): void => {
  process.stderr.write(`  … ${message}\n`);
};
