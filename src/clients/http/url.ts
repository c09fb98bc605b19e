/** Joins a base URL (with or without a trailing slash, maybe with a path prefix) and path segments, each encoded. */
export const joinUrl = (base: string, ...segments: string[]): string =>
  `${base.replace(/\/+$/, '')}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
