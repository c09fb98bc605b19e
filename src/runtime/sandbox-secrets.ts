import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../infra/config';

/**
 * The sandbox's secrets: made afresh with crypto randomness at every start, so no value in the repository (or
 * printed by an earlier run) ever opens a sandbox. META_APP_SECRET, META_VERIFY_TOKEN and ADMIN_TOKEN are only
 * made when not configured; a configured one is the operator's and is neither printed nor written.
 */
export interface SandboxSecrets {
  webhookSecret: string;
  whatsappToken: string;
  genesysClientSecret: string;
  metaAppSecret: string;
  metaVerifyToken: string;
  adminToken: string;
  /** The values made at this start, by the names the banner and the secrets file give them. */
  generated: [name: string, value: string][];
}

// 24 bytes: 48 hex characters, beyond guessing, above every minimum (ADMIN_TOKEN 32, webhook secrets 16), and
// safe to `source` from a shell file without quoting.
const fresh = () => randomBytes(24).toString('hex');

export const generateSandboxSecrets = (
  config: Pick<Config, 'META_APP_SECRET' | 'META_VERIFY_TOKEN' | 'ADMIN_TOKEN'>,
  random: () => string = fresh,
): SandboxSecrets => {
  const generated: [string, string][] = [];
  const make = (name: string, configured?: string) => {
    if (configured !== undefined) return configured;
    const value = random();
    generated.push([name, value]);
    return value;
  };
  return {
    webhookSecret: make('SANDBOX_WEBHOOK_SECRET'),
    whatsappToken: make('SANDBOX_WHATSAPP_TOKEN'),
    genesysClientSecret: make('SANDBOX_GENESYS_CLIENT_SECRET'),
    metaAppSecret: make('META_APP_SECRET', config.META_APP_SECRET),
    metaVerifyToken: make('META_VERIFY_TOKEN', config.META_VERIFY_TOKEN),
    adminToken: make('ADMIN_TOKEN', config.ADMIN_TOKEN),
    generated,
  };
};

/** `NAME=value` lines, for the banner and the file scripts/send-demo-webhook.sh sources. */
export const secretsEnvLines = (entries: [string, string][]): string[] =>
  entries.map(([name, value]) => `${name}=${value}`);

/**
 * Writes the file readable by its owner only (0600, in a 0700 directory). A temporary file created with that mode
 * and renamed over the old one: the secrets never sit in a file with wider permissions, not even for a moment.
 */
export const writeSecretsFile = async (file: string, lines: string[]): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await writeFile(temporary, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
};
