import { Redis } from 'ioredis';
import { redisOptions } from './redis';

describe('redisOptions', () => {
  it('uses no TLS for redis://', () => {
    expect(redisOptions('redis://127.0.0.1:6379').tls).toBeUndefined();
  });

  it('asks for verified TLS to the URL host for rediss://', () => {
    expect(redisOptions('rediss://cache.internal:6380').tls).toEqual({
      rejectUnauthorized: true,
      servername: 'cache.internal',
    });
    expect(redisOptions('rediss://10.0.0.5:6380').tls).toEqual({ rejectUnauthorized: true });
  });

  it('is what ioredis connects with: TLS, password and database from the URL', () => {
    const url = 'rediss://bridge:s3cret%40x@cache.internal:6380/2';
    const redis = new Redis(url, { ...redisOptions(url), lazyConnect: true });
    try {
      expect(redis.options).toMatchObject({
        host: 'cache.internal',
        port: 6380,
        db: 2,
        username: 'bridge',
        password: 's3cret@x',
        tls: { rejectUnauthorized: true, servername: 'cache.internal' },
      });
    } finally {
      redis.disconnect();
    }
  });
});
