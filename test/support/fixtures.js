'use strict';
var __importDefault =
  (this && this.__importDefault) ||
  function (mod) {
    return mod && mod.__esModule ? mod : { default: mod };
  };
Object.defineProperty(exports, '__esModule', { value: true });
exports.fixtureNames = exports.fixtureJson = exports.fixtureBytes = exports.fixturesDir = void 0;
const node_fs_1 = require('node:fs');
const node_path_1 = __importDefault(require('node:path'));
/** The shared real-world payloads (shared/fixtures beside the repository), read byte for byte. */
exports.fixturesDir =
  process.env.SHARED_FIXTURES_DIR ?? node_path_1.default.resolve(__dirname, '../../../shared/fixtures');
const fixtureBytes = (name) =>
  (0, node_fs_1.readFileSync)(node_path_1.default.join(exports.fixturesDir, name));
exports.fixtureBytes = fixtureBytes;
const fixtureJson = (name) => JSON.parse((0, exports.fixtureBytes)(name).toString('utf8'));
exports.fixtureJson = fixtureJson;
const fixtureNames = (folder, prefix = '') =>
  (0, node_fs_1.readdirSync)(node_path_1.default.join(exports.fixturesDir, folder))
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => `${folder}/${name}`);
exports.fixtureNames = fixtureNames;
//# sourceMappingURL=fixtures.js.map
