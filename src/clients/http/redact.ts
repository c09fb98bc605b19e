/**
 * Removes every occurrence of the given secrets from a text that came from elsewhere (a vendor's error message
 * may echo what it was sent). Belt and braces: the clients never put a secret into a message themselves.
 */
export const withoutSecrets = (text: string, secrets: readonly string[]): string =>
  secrets
    // A very short "secret" would shred ordinary words; real tokens and secrets are far longer.
    .filter((secret) => secret.length >= 4)
    .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
