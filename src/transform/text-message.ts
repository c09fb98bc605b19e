import type { MetaTextContent } from './meta-message';
import { splitText } from './split-text';

/**
 * Text parts for a body of any length, in order. `preview_url` is off unless the text exists to share a link
 * (a Genesys Link attachment): an agent's prose should not grow a preview card because it mentions a URL.
 */
export const textContents = (body: string, previewUrl = false): MetaTextContent[] =>
  splitText(body).map((part) => ({ type: 'text', text: { preview_url: previewUrl, body: part } }));

/** Treats an absent, empty or whitespace-only text alike: Meta refuses an empty body. */
export const meaningfulText = (text: string | undefined): string | undefined =>
  text === undefined || text.trim() === '' ? undefined : text;
