import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The architecture's import arrows (README, "Architecture"), enforced: each folder of src/ lists the folders it
 * must not import. Composition roots (cli, runtime) may import anything. Edges (http, processors, projections,
 * bridges, audit) sit on the domain (commands, transform, clients, tenants), which sits on events, which sits on
 * infra; nothing imports upward, processors never import http, and http reaches processors only through events.
 * Vendors' wire formats (contracts) sit at the bottom beside infra and import none of our layers: the events read
 * them (WebhookReceived translates a Genesys body, at the edge and in its upcaster, with the same function).
 * Read models (projections) may be read by http and processors; the AMQP bridge shares the processors' consumer
 * runtime. Tests and `testing/` helpers are exempt: they assemble the layers.
 */
const ROOTS = ['cli', 'runtime'];
const EDGES = ['http', 'processors', 'projections', 'bridges', 'audit'];
const except = (list, ...allowed) => list.filter((folder) => !allowed.includes(folder));
const FORBIDDEN = {
  contracts: [...ROOTS, ...EDGES, 'commands', 'transform', 'clients', 'tenants', 'events', 'simulators'],
  infra: [...ROOTS, ...EDGES, 'commands', 'transform', 'clients', 'tenants', 'events', 'simulators'],
  events: [...ROOTS, ...EDGES, 'commands', 'transform', 'clients', 'tenants', 'simulators'],
  commands: [...ROOTS, ...EDGES, 'clients', 'tenants', 'simulators'],
  transform: [...ROOTS, ...EDGES, 'commands', 'clients', 'tenants', 'simulators'],
  clients: [...ROOTS, ...EDGES, 'commands', 'transform', 'tenants', 'events', 'simulators'],
  tenants: [...ROOTS, ...EDGES, 'commands', 'transform', 'events', 'simulators'],
  simulators: [...ROOTS, ...EDGES, 'commands', 'tenants', 'events'],
  http: [...ROOTS, ...except(EDGES, 'http', 'audit', 'projections'), 'simulators'],
  processors: [...ROOTS, ...except(EDGES, 'processors', 'projections'), 'simulators'],
  projections: [...ROOTS, ...except(EDGES, 'projections'), 'commands', 'clients', 'simulators'],
  bridges: [...ROOTS, ...except(EDGES, 'bridges', 'processors'), 'commands', 'simulators'],
  audit: [...ROOTS, ...except(EDGES, 'audit'), 'simulators'],
  runtime: ['cli'],
};

/** A file n folders below src/ reaches src/<folder> with exactly n `../`; fewer stay inside its own folder. */
const layerRules = Object.entries(FORBIDDEN).flatMap(([layer, forbidden]) =>
  [1, 2, 3, 4].map((depth) => ({
    files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth}}(${forbidden.join('|')})(/|$)`,
              message: `src/${layer} may not import this folder: see the import rules in eslint.config.mjs`,
            },
          ],
        },
      ],
    },
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
);
