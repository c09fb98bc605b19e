#!/usr/bin/env node
import 'dotenv/config';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../infra/config';
import { registerDeadLettersCommand } from './dead-letters-command';
import { registerMigrateCommand } from './migrate-command';
import { registerProjectionsCommand } from './projections-command';
import { registerReplayCommand } from './replay-command';
import { registerTenantCommands } from './tenants-command';
import { registerServeCommand } from './serve-command';

const program = new Command('bridge')
  .description('genesys-whatsapp-bridge: Genesys Cloud agent messages to WhatsApp, receipts back')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerMigrateCommand(program);
registerReplayCommand(program);
registerTenantCommands(program);
registerProjectionsCommand(program);
registerDeadLettersCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One line on stderr and a non-zero code: config errors name the variable, never its value.
  const message =
    error instanceof ConfigError ? error.message : `bridge: ${(error as Error).message ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
