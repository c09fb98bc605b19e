import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig } from 'pg';

/**
 * The same connection, but `query(text, values)` runs as a named prepared statement: PostgreSQL parses and plans
 * each distinct statement once per connection instead of once per event. The apply functions are the live
 * projection's own and send plain text; a replay runs the same few statements hundreds of thousands of times, and
 * under load the parse and plan were most of each statement's cost. Names derive from the text (which includes
 * the target table), so two texts never share a name.
 */
export const preparedClient = (client: PoolClient): PoolClient => {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `rebuild_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  const query = (config: string | QueryConfig, values?: unknown[]) =>
    typeof config === 'string' && Array.isArray(values) && values.length > 0
      ? client.query({ name: nameOf(config), text: config, values })
      : client.query(config, values);
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'query' ? query : (Reflect.get(target, property, receiver) as unknown),
  });
};
