// Trunk's post_build hook (Trunk.toml): writes every file of the staged build, and a version
// from their contents, into the staged sw.js. The service worker then keeps the whole app
// when it installs, so one visit is enough to start offline, and each build gets a cache of
// its own. The page's own requests can't fill that cache: on the first visit they are made
// before the service worker controls the page.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';

const SW = 'sw.js';
// The line of app/sw.js this replaces; it must be there, or the worker would ship unversioned.
const BUILD_LINE = /^const BUILD = .*;$/m;

/** Paths of the files under `dir`, relative to it, with '/' separators, sorted. */
async function filesUnder(dir, prefix = '') {
  const found = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? posix.join(prefix, entry.name) : entry.name;
    if (entry.isDirectory()) found.push(...await filesUnder(dir, path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}

/** The version and URL list for the build in `staging`, served under `publicUrl`. */
export async function precacheList(staging, publicUrl) {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const hash = createHash('sha256');
  const files = [];
  for (const path of await filesUnder(staging)) {
    if (path === SW) continue;
    // Hashed names already change with their contents, but the page, the icon and the
    // manifest keep theirs: only the bytes tell every change.
    hash.update(`${path}\0`).update(await readFile(join(staging, path))).update('\0');
    // The Worker answers the app's page at the base URL; asking for index.html by name
    // would redirect, and a redirected response can't answer a navigation.
    files.push(path === 'index.html' ? base : base + path);
  }
  if (!files.includes(base)) throw new Error(`no index.html in ${staging}`);
  return { version: hash.digest('hex').slice(0, 16), files };
}

export async function writeServiceWorker(staging, publicUrl) {
  const build = await precacheList(staging, publicUrl);
  const swPath = join(staging, SW);
  const source = await readFile(swPath, 'utf8');
  if (!BUILD_LINE.test(source)) throw new Error(`${swPath} has no "const BUILD = …;" line to fill in`);
  await writeFile(swPath, source.replace(BUILD_LINE, () => `const BUILD = ${JSON.stringify(build)};`));
  return build;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const staging = process.env.TRUNK_STAGING_DIR;
  if (!staging) {
    console.error('sw-precache: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
    process.exit(1);
  }
  const build = await writeServiceWorker(staging, process.env.TRUNK_PUBLIC_URL || '/app/');
  console.error(`sw-precache: ${build.files.length} files, version ${build.version}`);
}
