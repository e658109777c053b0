#!/usr/bin/env node
// Builds the web console (src/ui) into dist/ui: one ES module entry plus lazily loaded chunks (certificate parsing),
// one stylesheet, and index.html pointing at their content-hashed names. No CDN: preact, @peculiar/x509 and the
// RBAC engine (src/access/who-can.ts) are bundled. `--dev` skips minification.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'ui');
const out = join(root, 'dist', 'ui');
const dev = process.argv.includes('--dev');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = Date.now();
const result = await build({
  entryPoints: { app: join(src, 'main.tsx') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
});

// The entry's JS and CSS, by what the metafile says each output came from.
let js, css;
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  // Lazily imported modules are entry points too: the page's own is main.tsx.
  if (!meta.entryPoint?.endsWith('src/ui/main.tsx')) continue;
  js = basename(file);
  if (meta.cssBundle) css = basename(meta.cssBundle);
}
if (!js || !css) throw new Error(`console build: entry outputs not found (${js}, ${css})`);
const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replace('%APP_JS%', `./${js}`)
  .replace('%APP_CSS%', `./${css}`);
writeFileSync(join(out, 'index.html'), html);

const sizes = Object.entries(result.metafile.outputs).map(
  ([f, m]) => `${basename(f)} ${(m.bytes / 1024).toFixed(1)} KiB`,
);
console.log(`console built into ${out} in ${Date.now() - started} ms: ${sizes.join(', ')}`);
