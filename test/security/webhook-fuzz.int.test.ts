import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { genesysSignature, metaSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes, fixtureNames } from '../support/fixtures';

/**
 * Property-based fuzzing of the two public webhook routes over real HTTP: random bytes, random JSON and mutated
 * real fixtures, each with a valid, missing or tampered signature. Whatever arrives, the bridge must never answer
 * 5xx, never accept (2xx) a body whose signature is not valid, answer a validly signed but broken body with 200 or
 * a 4xx `{error, message}`, never echo a secret, and never store an event for an unsigned body.
 */

const GENESYS_SECRET = 'fuzz-genesys-webhook-secret-7f3a9c';
const META_APP_SECRET = 'fuzz-meta-app-secret-51d0e2';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const RUNS_PER_ROUTE = 600;

type Route = 'genesys' | 'meta';
type SignatureMode =
  'valid' | 'missing' | 'wrong-secret' | 'tampered' | 'other-encoding' | 'random' | 'stale';

interface Sent {
  route: Route;
  body: Buffer;
  contentType: string | undefined;
  mode: SignatureMode;
  header: string | undefined;
}

const SECRETS = [GENESYS_SECRET, META_APP_SECRET];

const validSignature = (route: Route, body: Buffer) =>
  route === 'genesys' ? genesysSignature(GENESYS_SECRET, body) : metaSignature(META_APP_SECRET, body);

/**
 * Changes one character of the digest to another of the same alphabet, so the header keeps its shape but not its
 * value. Only the first 40 characters: the last base64 character carries padding bits that decoding may ignore.
 */
const tamper = (signature: string, position: number): string => {
  const digestStart = 'sha256='.length;
  const index = digestStart + (position % 40);
  const char = signature[index]!;
  const alphabet = /^[0-9a-f]$/.test(char)
    ? '0123456789abcdef'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const replacement = alphabet[(alphabet.indexOf(char) + 1) % alphabet.length]!;
  return signature.slice(0, index) + replacement + signature.slice(index + 1);
};

const signatureFor = (route: Route, body: Buffer, mode: SignatureMode, noise: string, position: number) => {
  const digest = createHmac('sha256', route === 'genesys' ? GENESYS_SECRET : META_APP_SECRET).update(body);
  switch (mode) {
    case 'valid':
      return validSignature(route, body);
    case 'missing':
      return undefined;
    case 'wrong-secret':
      return route === 'genesys' ? genesysSignature('not-the-secret', body) : metaSignature('nope', body);
    case 'tampered':
      return tamper(validSignature(route, body), position);
    case 'other-encoding':
      // Genesys is base64, Meta hex: each route must refuse the other's encoding of the right HMAC.
      return `sha256=${digest.digest(route === 'genesys' ? 'hex' : 'base64')}`;
    case 'random':
      return noise;
    case 'stale':
      // A valid signature of a slightly different body (a replayed header).
      return validSignature(route, Buffer.concat([body, Buffer.from(' ')]));
  }
};

// --- Bodies -------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings that tend to break things further down: NUL (PostgreSQL text), lone surrogates (jsonb), RTL, huge. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u0041\u0301',
    '👩‍👩‍👧‍👦',
    '${jndi:ldap://127.0.0.1/x}',
    "'; DROP TABLE events; --",
    '__proto__',
    'constructor',
    '../../etc/passwd',
    'https://169.254.169.254/latest/meta-data',
    'http://127.0.0.1:1/x',
  ),
  fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n)),
);

const jsonLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, 0.1),
  nastyString,
);

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: jsonLeaf },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.array(jsonLeaf, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, jsonLeaf, { maxKeys: 4 }) },
);

/** Wraps a value `depth` times in arrays or objects. */
const nest = (value: Json, depth: number, inObjects: boolean): Json => {
  let result = value;
  for (let i = 0; i < depth; i += 1) result = inObjects ? { a: result } : [result];
  return result;
};

type Mutation =
  | { kind: 'drop'; path: number }
  | { kind: 'replace'; path: number; value: Json }
  | { kind: 'nest'; path: number; depth: number; inObjects: boolean }
  | { kind: 'add'; path: number; key: string; value: Json }
  | { kind: 'text'; path: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: anyJson }),
  fc.record({
    kind: fc.constant('nest' as const),
    path: fc.nat(),
    depth: fc.integer({ min: 1, max: 40 }),
    inObjects: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('add' as const), path: fc.nat(), key: nastyString, value: anyJson }),
  // Aimed at the strings the routes read (ids, texts, statuses): random slots rarely hit them.
  fc.record({ kind: fc.constant('text' as const), path: fc.nat(), value: nastyString }),
  fc.record({ kind: fc.constant('text' as const), path: fc.nat(), value: nastyString }),
);

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

/** Every place in a JSON value (object keys and array items), in a stable order. */
const slotsOf = (root: Json): Slot[] => {
  const slots: Slot[] = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        slots.push({ parent: value, key: index });
        walk(item);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        slots.push({ parent: value, key });
        walk(value[key]!);
      }
    }
  };
  walk(root);
  return slots;
};

const applyMutation = (root: Json, change: Mutation): void => {
  const all = slotsOf(root);
  const strings = all.filter(({ parent, key }) => typeof (parent as Record<string, Json>)[key] === 'string');
  const slots = change.kind === 'text' ? strings : all;
  if (slots.length === 0) return;
  const { parent, key } = slots[change.path % slots.length]!;
  const record = parent as Record<string | number, Json>;
  switch (change.kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete record[key];
      return;
    case 'replace':
    case 'text':
      record[key] = change.value;
      return;
    case 'nest':
      record[key] = nest(record[key]!, change.depth, change.inObjects);
      return;
    case 'add': {
      const target = record[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        // defineProperty: a key named __proto__ must become a real key, as JSON.parse would make it.
        Object.defineProperty(target, change.key, {
          value: change.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else record[key] = { [change.key]: change.value };
      return;
    }
  }
};

const fixturesOf = (route: Route): string[] =>
  route === 'genesys'
    ? fixtureNames('genesys', 'outbound-')
    : fixtureNames('meta').filter((name) => /status-|inbound-/.test(name));

const mutatedFixture = (route: Route): fc.Arbitrary<Buffer> =>
  fc
    .record({
      name: fc.constantFrom(...fixturesOf(route)),
      mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
      pretty: fc.boolean(),
    })
    .map(({ name, mutations, pretty }) => {
      if (mutations.length === 0) return fixtureBytes(name);
      const value = JSON.parse(fixtureBytes(name).toString('utf8')) as Json;
      for (const change of mutations) applyMutation(value, change);
      return Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined), 'utf8');
    });

const bodyFor = (route: Route): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: anyJson.map((value) => Buffer.from(JSON.stringify(value), 'utf8')) },
    {
      // Valid JSON text with bytes that are not UTF-8 inside a string.
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((bytes) =>
          Buffer.concat([Buffer.from('{"channel":{"id":"'), Buffer.from(bytes), Buffer.from('"}}')]),
        ),
    },
    { weight: 8, arbitrary: mutatedFixture(route) },
    {
      // A fixture with bytes that are not UTF-8 in place of some of its own: still JSON to a lenient decoder.
      weight: 1,
      arbitrary: fc
        .record({
          name: fc.constantFrom(...fixturesOf(route)),
          at: fc.nat(),
          bytes: fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80, 0x80]),
        })
        .map(({ name, at, bytes }) => {
          const fixture = fixtureBytes(name);
          // Inside the first string value after a random position, so the JSON structure stays intact.
          const quote = fixture.indexOf(0x22, fixture.indexOf(0x3a, at % fixture.length));
          const cut = quote < 0 ? fixture.length : quote + 1;
          return Buffer.concat([fixture.subarray(0, cut), Buffer.from(bytes), fixture.subarray(cut)]);
        }),
    },
    {
      // A fixture buried thousands of levels deep: built as text, since a recursive walk would exhaust the stack.
      weight: 1,
      arbitrary: fc
        .record({
          name: fc.constantFrom(...fixturesOf(route)),
          depth: fc.integer({ min: 1000, max: 20_000 }),
          inObjects: fc.boolean(),
        })
        .map(({ name, depth, inObjects }) =>
          Buffer.concat([
            Buffer.from((inObjects ? '{"channel":' : '[').repeat(depth)),
            fixtureBytes(name),
            Buffer.from((inObjects ? '}' : ']').repeat(depth)),
          ]),
        ),
    },
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'APPLICATION/JSON',
  undefined,
);

const requestFor = (route: Route): fc.Arbitrary<Sent> =>
  fc
    .record({
      body: bodyFor(route),
      mode: fc.constantFrom<SignatureMode>(
        'valid',
        'valid',
        'valid',
        'valid',
        'valid',
        'valid',
        'missing',
        'wrong-secret',
        'tampered',
        'other-encoding',
        'random',
        'stale',
      ),
      noise: fc.string({ unit: 'binary-ascii', maxLength: 120 }).map((text) =>
        // Header values must be visible ASCII for fetch; the prefix makes it look like a signature half the time.
        text.replace(/[^\x21-\x7e]/g, 'A'),
      ),
      prefixed: fc.boolean(),
      position: fc.nat(),
      contentType,
    })
    .map(({ body, mode, noise, prefixed, position, contentType }) => {
      const sent: Sent = {
        route,
        body,
        contentType,
        mode,
        header: signatureFor(route, body, mode, prefixed ? `sha256=${noise}` : noise, position),
      };
      // A counterexample reads as text (and replays from its base64), not as a list of byte values.
      return Object.assign(sent, {
        [fc.toStringMethod]: () =>
          JSON.stringify({
            ...sent,
            body: body.length <= 4096 ? body.toString('base64') : `(${body.length} bytes)`,
            text: body.toString('utf8').slice(0, 1000),
          }),
      });
    });

// --- The bridge under test ----------------------------------------------------------------------------------

describe('fuzzing the public webhook routes over HTTP', () => {
  let bridge: TestBridge;
  let baseUrl: string;
  let eventsBefore: number;
  const counts = { genesys: 0, meta: 0, refused: 0, accepted: 0, byStatus: new Map<number, number>() };
  /** The event id of every 200 answer to a validly signed request. */
  const acceptedEventIds: string[] = [];

  beforeAll(async () => {
    bridge = await startTestBridge('sec-fuzz', { META_APP_SECRET });
    await bridge.createTenant({
      tenantId: 'tenant-fuzz',
      genesysIntegrationId: INTEGRATION_ID,
      genesysWebhookSecret: GENESYS_SECRET,
      genesysRegion: 'usw2.pure.cloud',
      whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-fuzz-token' },
    });
    await bridge.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(bridge.app.server.address() as AddressInfo).port}`;
    eventsBefore = await maxPosition();
  });
  afterAll(async () => {
    console.log(
      `fuzzed ${counts.genesys + counts.meta} requests: genesys ${counts.genesys}, meta ${counts.meta}; ` +
        `refused ${counts.refused}, accepted ${counts.accepted}; by status ${JSON.stringify(
          Object.fromEntries([...counts.byStatus].sort(([a], [b]) => a - b)),
        )}`,
    );
    await bridge.close();
  });

  const maxPosition = async () =>
    Number(
      (
        await bridge.connections.pool.query<{ n: string | null }>(
          'SELECT max(global_position) AS n FROM events',
        )
      ).rows[0]!.n ?? 0,
    );

  const send = async (sent: Sent) => {
    const response = await fetch(`${baseUrl}/webhook/${sent.route}`, {
      method: 'POST',
      headers: {
        ...(sent.contentType ? { 'content-type': sent.contentType } : {}),
        ...(sent.header !== undefined ? { 'x-hub-signature-256': sent.header } : {}),
      },
      body: sent.body,
    });
    const text = await response.text();
    counts[sent.route] += 1;
    counts.byStatus.set(response.status, (counts.byStatus.get(response.status) ?? 0) + 1);
    if (response.status >= 400) counts.refused += 1;
    else counts.accepted += 1;
    return { status: response.status, text, contentType: response.headers.get('content-type') ?? '' };
  };

  /** What a failing case looks like in the report: enough to replay it, not megabytes of body. */
  const describeCase = (sent: Sent, status: number, text: string) =>
    `${sent.route} ${sent.mode} ${sent.contentType ?? '(no content-type)'} → ${status} ${text.slice(0, 300)}; ` +
    `body[${sent.body.length}] ${sent.body.subarray(0, 200).toString('utf8')}`;

  const checkAnswer = (sent: Sent, status: number, text: string, contentType: string) => {
    const what = describeCase(sent, status, text);
    // (a) never a 5xx.
    expect({ what, serverError: status >= 500 }).toEqual({ what, serverError: false });
    // (b) a 2xx only for a body whose signature is valid.
    if (status < 300) expect({ what, mode: sent.mode }).toEqual({ what, mode: 'valid' });
    // (c) every refusal is a JSON `{error, message}`.
    if (status >= 400) {
      expect({ what, contentType }).toEqual({
        what,
        contentType: expect.stringMatching(/^application\/json/),
      });
      expect({ what, body: JSON.parse(text) as unknown }).toEqual({
        what,
        body: expect.objectContaining({ error: expect.any(String), message: expect.any(String) }),
      });
    }
    // (d) no secret in any answer.
    for (const secret of [...SECRETS, bridge.adminToken]) {
      expect({ what, leaks: text.includes(secret) }).toEqual({ what, leaks: false });
    }
    if (status === 200) acceptedEventIds.push((JSON.parse(text) as { eventId: string }).eventId);
  };

  it.each(['genesys', 'meta'] as const)(
    'POST /webhook/%s holds its properties for any input',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (sent) => {
          const { status, text, contentType } = await send(sent);
          checkAnswer(sent, status, text, contentType);
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    },
  );

  it('stored an event only for validly signed requests that were accepted', async () => {
    const { rows } = await bridge.connections.pool.query<{
      event_id: string;
      stream_id: string;
      type: string;
      data: { rawBody: string; signature: string; part?: number; partCount?: number };
      metadata: { causationId?: string };
    }>('SELECT event_id, stream_id, type, data, metadata FROM events WHERE global_position > $1', [
      eventsBefore,
    ]);
    expect(rows.length).toBeGreaterThan(0);
    // The inbound messages of an accepted Meta webhook are recorded by the route too, each caused by that webhook.
    const inbound = rows.filter((row) => row.type === 'InboundMessageReceived');
    for (const row of inbound) expect(acceptedEventIds).toContain(row.metadata.causationId);
    rows.splice(0, rows.length, ...rows.filter((row) => row.type !== 'InboundMessageReceived'));
    // Every stored event belongs to a stream some signed 200 answer named.
    const { rows: acceptedStreams } = await bridge.connections.pool.query<{ stream_id: string }>(
      'SELECT DISTINCT stream_id FROM events WHERE event_id = ANY($1::uuid[])',
      [acceptedEventIds],
    );
    const streams = new Set(acceptedStreams.map((row) => row.stream_id));
    expect(rows.filter((row) => !streams.has(row.stream_id)).map((row) => row.stream_id)).toEqual([]);
    // And each whole recorded body carries a valid signature of itself, checked here independently of the app.
    for (const row of rows) {
      expect(['WebhookReceived', 'MetaWebhookReceived']).toContain(row.type);
      if ((row.data.partCount ?? 1) !== 1) continue;
      const route: Route = row.type === 'WebhookReceived' ? 'genesys' : 'meta';
      expect(row.data.signature.trim()).toBe(validSignature(route, Buffer.from(row.data.rawBody, 'utf8')));
    }
  });
});
