#!/usr/bin/env node
'use strict';
/**
 * `npm run synth` and cdktf.json's "app": main.ts bundled by esbuild into one file, cached, and run
 * in this process. Loading the app module by module through tsx spends most of a synth resolving,
 * reading and scanning some 870 files (cdktf, constructs, the provider classes); one bundle is read
 * and compiled once. `npm run bench:synth` measures both paths side by side.
 *
 * The cache lives in node_modules/.cache/mongo-cdc-platform/synth (so `npm ci` empties it): the
 * bundle, and a manifest of every file esbuild read — the project's by content hash, dependencies
 * by size and modification time. Any difference rebuilds it. Nothing here type-checks: that is
 * `npm run typecheck`, as for the unbundled path (`node bin/run-ts main.ts`). CDC_SYNTH_CACHE_DIR puts
 * the cache elsewhere (tests do).
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Changes whenever the bundle options below change. */
const FORMAT = 1;
/** Files that change esbuild's output without being inputs of the bundle. */
const SETTINGS = ['tsconfig.json', 'package.json', 'node_modules/.package-lock.json'];

const sha1 = (content) => createHash('sha1').update(content).digest('hex');

/** A project file by content; a dependency by size and mtime (hashing 6 MB of them would cost the time saved). */
function fingerprint(root, file) {
  const absolute = path.join(root, file);
  try {
    if (file.split(/[\\/]/).includes('node_modules')) {
      const stat = fs.statSync(absolute);
      return `${stat.size}:${stat.mtimeMs}`;
    }
    return sha1(fs.readFileSync(absolute));
  } catch {
    return 'missing';
  }
}

function readManifest(cacheDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why the cached bundle cannot be used, or undefined when it can. */
function staleReason(manifest, { root, entry, cacheDir }) {
  if (!manifest) return 'no bundle yet';
  if (manifest.format !== FORMAT || manifest.entry !== entry || manifest.node !== process.version) return 'bundle options or Node.js changed';
  if (!fs.existsSync(path.join(cacheDir, manifest.bundle))) return 'bundle file missing';
  for (const [file, print] of Object.entries(manifest.files)) if (fingerprint(root, file) !== print) return `${file} changed`;
  return undefined;
}

/**
 * The bundle of `entry` (relative to `root`), built when the cached one is stale. Returns its path
 * and, when it was (re)built, why.
 */
function ensureBundle({ root = ROOT, entry = 'main.ts', cacheDir = path.join(root, 'node_modules', '.cache', 'mongo-cdc-platform', 'synth') } = {}) {
  const manifest = readManifest(cacheDir);
  const reason = staleReason(manifest, { root, entry, cacheDir });
  if (!reason) return { file: path.join(cacheDir, manifest.bundle), rebuilt: undefined };

  const esbuild = require('esbuild');
  fs.mkdirSync(cacheDir, { recursive: true });
  const temporary = path.join(cacheDir, `build-${process.pid}.js`);
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    outfile: temporary,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  const code = fs.readFileSync(temporary);
  const name = `${path.basename(entry, path.extname(entry))}-${sha1(code).slice(0, 16)}.js`;
  // The bundle names its map; the map keeps its build name, so both move under the final name.
  fs.writeFileSync(path.join(cacheDir, name), code.toString('utf8').replace(`sourceMappingURL=${path.basename(temporary)}.map`, `sourceMappingURL=${name}.map`));
  fs.renameSync(`${temporary}.map`, path.join(cacheDir, `${name}.map`));
  fs.rmSync(temporary, { force: true });

  const files = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...SETTINGS]) files[file] = fingerprint(root, file);
  const next = { format: FORMAT, entry, node: process.version, bundle: name, files };
  const manifestTemporary = path.join(cacheDir, `manifest-${process.pid}.json`);
  fs.writeFileSync(manifestTemporary, JSON.stringify(next));
  fs.renameSync(manifestTemporary, path.join(cacheDir, 'manifest.json'));
  // Earlier bundles go; a synth running one of them already holds it in memory.
  for (const old of fs.readdirSync(cacheDir)) {
    if (old !== name && old !== `${name}.map` && old !== 'manifest.json' && !old.startsWith('build-') && !old.startsWith('manifest-')) fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  return { file: path.join(cacheDir, name), rebuilt: reason };
}

module.exports = { ensureBundle };

if (require.main === module) {
  const started = Date.now();
  let bundle;
  try {
    bundle = ensureBundle(process.env.CDC_SYNTH_CACHE_DIR ? { cacheDir: path.resolve(process.env.CDC_SYNTH_CACHE_DIR) } : {});
  } catch (error) {
    // esbuild's own message lists each file, line and problem.
    console.error(`cannot bundle main.ts for synth:\n${error && error.message ? error.message : error}`);
    process.exit(1);
  }
  if (bundle.rebuilt) console.error(`synth: bundled main.ts in ${((Date.now() - started) / 1000).toFixed(1)} s (${bundle.rebuilt})`);
  require(bundle.file);
}
