import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTypingOn } from './genesys-typing';

const fixture = readFileSync(
  join(__dirname, '../../../test/fixtures/genesys/outbound-event-typing.json'),
  'utf8',
);

describe('isTypingOn', () => {
  it('reads the typing event of the Genesys fixture', () => {
    expect(isTypingOn(fixture)).toBe(true);
  });

  it('ignores typing Off, other events, other messages and bodies that are not JSON', () => {
    const body = JSON.parse(fixture) as { events: unknown[] };
    expect(
      isTypingOn(JSON.stringify({ ...body, events: [{ eventType: 'Typing', typing: { type: 'Off' } }] })),
    ).toBe(false);
    expect(isTypingOn(JSON.stringify({ ...body, events: [{ eventType: 'Presence' }] }))).toBe(false);
    expect(isTypingOn(JSON.stringify({ type: 'Text', text: 'hi' }))).toBe(false);
    expect(isTypingOn('not json')).toBe(false);
  });
});
