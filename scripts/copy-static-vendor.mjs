// Copies browser-only files from node_modules into static/vendor (never imported in Node).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'static/vendor'), { recursive: true });
copyFileSync(require.resolve('htmx.org/dist/htmx.min.js'), join(root, 'static/vendor/htmx.min.js'));
// WebAuthn's browser half (a UMD file that defines window.SimpleWebAuthnBrowser), for static/passkey.js.
// The package's exports map hides dist/: resolve its package.json (found from the main entry) and go from there.
const webauthnRoot = join(dirname(require.resolve('@simplewebauthn/browser')), '..');
copyFileSync(join(webauthnRoot, 'dist/bundle/index.umd.min.js'), join(root, 'static/vendor/simplewebauthn-browser.js'));
