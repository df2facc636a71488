// Copies browser-only files from node_modules into static/vendor (never imported in Node).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'static/vendor'), { recursive: true });
copyFileSync(require.resolve('htmx.org/dist/htmx.min.js'), join(root, 'static/vendor/htmx.min.js'));
