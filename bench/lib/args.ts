/** `--name <positive integer>` from a bench's arguments, or `fallback`. */
export const intOption = (args: string[], name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};

/** `--name` present or not. */
export const flag = (args: string[], name: string): boolean => args.includes(`--${name}`);

/** Progress lines go to stderr, so that stdout stays the result table. */
export const progress = (message: string): void => {
  process.stderr.write(`  … ${message}\n`);
};
