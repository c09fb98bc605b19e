import { readFixture } from '../common/fixtures';
import { defaultHttpStatusFor, metaErrorBody } from './meta-error-catalog';

const fixture = JSON.parse(readFixture('meta/error-130429.json').toString('utf8')) as {
  error: Record<string, unknown>;
};

describe('Meta error catalog', () => {
  it('builds the 130429 body exactly like the fixture, trace id aside', () => {
    const body = metaErrorBody(130429) as { error: Record<string, unknown> };
    expect(Object.keys(body.error)).toEqual(Object.keys(fixture.error));
    expect({ ...body.error, fbtrace_id: 'x' }).toEqual({ ...fixture.error, fbtrace_id: 'x' });
    expect(body.error.fbtrace_id).toMatch(/^[A-Za-z0-9_-]{23}$/);
  });

  it('gives every body a fresh trace id', () =>
    expect((metaErrorBody(100) as { error: { fbtrace_id: string } }).error.fbtrace_id).not.toBe(
      (metaErrorBody(100) as { error: { fbtrace_id: string } }).error.fbtrace_id,
    ));

  it.each([
    [130429, 429],
    [131056, 429],
    [4, 429],
    [131000, 500],
    [131016, 503],
    [190, 401],
    [100, 400],
    [131026, 400],
    [131053, 400],
    [987654, 400],
  ])('answers code %i with HTTP %i by default', (code, status) =>
    expect(defaultHttpStatusFor(code)).toBe(status),
  );

  it('lets a caller replace the details', () =>
    expect(metaErrorBody(131053, { details: 'weblink 404' })).toMatchObject({
      error: {
        code: 131053,
        message: '(#131053) Media upload error',
        error_data: { details: 'weblink 404' },
      },
    }));
});
