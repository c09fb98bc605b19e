#!/usr/bin/env node
/* global require, process, console, setTimeout, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
// Waits until a Kafka broker really serves requests: an admin client must connect and
// listTopics() must succeed (the TCP port opens well before that).
//
//   node scripts/infra/wait-kafka.js [--brokers host:port[,host:port]] [--timeout seconds]
//                                    [--once] [--pid N] [--quiet]
//
// --brokers  default: $KAFKA_BROKERS, else 127.0.0.1:$KAFKA_PORT (9092)
// --timeout  give up after this many seconds (default 90)
// --once     a single attempt (used to detect an already running broker)
// --pid      fail early if this process (the broker being started) exits
// Exit code 0 when ready, 1 otherwise.
'use strict';

const path = require('node:path');

function loadKafkajs() {
  // Resolve from the repository's node_modules whatever the current directory is.
  const repoRoot = path.resolve(__dirname, '..', '..');
  return require(require.resolve('kafkajs', { paths: [repoRoot] }));
}

function parseArgs(argv) {
  const opts = {
    brokers: process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || '9092'}`,
    timeoutSec: 90,
    once: false,
    pid: undefined,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--brokers') opts.brokers = argv[++i];
    else if (a === '--timeout') opts.timeoutSec = Number(argv[++i]);
    else if (a === '--once') opts.once = true;
    else if (a === '--pid') opts.pid = Number(argv[++i]);
    else if (a === '--quiet') opts.quiet = true;
    else {
      console.error(`wait-kafka: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!opts.brokers || !Number.isFinite(opts.timeoutSec) || opts.timeoutSec <= 0) {
    console.error('wait-kafka: bad --brokers or --timeout');
    process.exit(2);
  }
  return opts;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function attempt(Kafka, logLevel, brokers) {
  const kafka = new Kafka({
    clientId: 'bridge-wait-kafka',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.listTopics();
    return null;
  } catch (err) {
    return err;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { Kafka, logLevel } = loadKafkajs();
  const brokers = opts.brokers.split(',').map((b) => b.trim());
  const started = Date.now();
  const deadline = started + opts.timeoutSec * 1000;
  let lastErr;
  for (let n = 1; ; n++) {
    lastErr = await attempt(Kafka, logLevel, brokers);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (!lastErr) {
      if (!opts.quiet) console.log(`wait-kafka: ${brokers.join(',')} ready after ${secs}s (${n} attempts)`);
      return 0;
    }
    if (opts.once) break;
    if (opts.pid !== undefined && !alive(opts.pid)) {
      if (!opts.quiet) console.error(`wait-kafka: broker process ${opts.pid} exited after ${secs}s`);
      return 1;
    }
    if (Date.now() >= deadline) {
      if (!opts.quiet) console.error(`wait-kafka: ${brokers.join(',')} not ready after ${secs}s`);
      break;
    }
    await sleep(500);
  }
  if (!opts.quiet) console.error(`wait-kafka: last error: ${lastErr && lastErr.message}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`wait-kafka: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
