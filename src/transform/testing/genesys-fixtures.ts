/**
 * The Genesys fixtures of test/fixtures, read at test time exactly as they are on disk and taken through the
 * real schema and summary.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  genesysWebhookSchema,
  summarizeWebhook,
  type WebhookSummary,
} from '../../contracts/genesys/outbound-webhook';
import { fixturePath } from '../../simulators/common/fixtures';

export const GENESYS_FIXTURES = fixturePath('genesys');

export const genesysFixtureSummary = (name: string): WebhookSummary =>
  summarizeWebhook(
    genesysWebhookSchema.parse(JSON.parse(readFileSync(path.join(GENESYS_FIXTURES, name), 'utf8'))),
  );
