// Builds the web UI into dist/web: one ESM bundle and one stylesheet (uPlot's CSS included) under
// content-hashed names in assets/, and index.html naming them. `npm run build` runs it after tsc; no CDN,
// nothing fetched at run time, nothing inline (the page's CSP allows only 'self').
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'dist', 'web');

rmSync(out, { recursive: true, force: true }); // old hashed files would be served forever otherwise
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['web/src/main.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  // Browsers of the last few years: EventSource, <dialog>, CSS custom properties.
  target: ['chrome100', 'firefox100', 'safari15.4'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked', // uPlot's MIT notice ships beside the bundle
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`web/build.mjs: expected a .js and a .css output, got ${outputs.join(', ')}`);

const html = readFileSync(join(root, 'web', 'index.html'), 'utf8')
  .replace('%APP_JS%', `assets/${js}`)
  .replace('%APP_CSS%', `assets/${css}`);
writeFileSync(join(out, 'index.html'), html);
process.stdout.write(`web/build.mjs: dist/web/index.html, assets/${js}, assets/${css}\n`);
