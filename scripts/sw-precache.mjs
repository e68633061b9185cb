// Trunk's post_build hook (Trunk.toml), run for both builds of the app (see
// app/src/app_build.rs and scripts/build.sh):
// - each build takes in the screens split out of its wasm (app/src/later.rs, placeSplit);
// - the office's build (public URL /app/office/) keeps only its code: the page, styles and
//   files are the class build's;
// - the class build takes the office's code into office/, replaces Trunk's loader with one
//   that starts the build this device remembered, and writes every file and a version from
//   their contents into the staged sw.js. The service worker keeps the class build when it
//   installs, so one visit is enough to start offline and each release gets a cache of its
//   own; it keeps the office's build once a device runs it (a teacher's phone never
//   downloads it). The page's own requests can't fill that cache: on the first visit they
//   are made before the service worker controls the page.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib } from 'node:zlib';
import { build, transform } from 'esbuild';

const SW = 'sw.js';
const OFFICE = 'office';
// The line of app/sw.js this replaces; it must be there, or the worker would ship unversioned.
const BUILD_LINE = /^const BUILD = .*;$/m;
// Where scripts/build.sh has the office's build put before the class build runs.
export const OFFICE_DIST = join(import.meta.dirname, '..', 'target', 'trunk-office');
// The storage key and value app/src/app_build.rs writes for a device of the office.
const BUILD_KEY = 'guardpost.build';
// The office's wasm this device has run, by its file name (the loader's own note).
const RAN_OFFICE_KEY = 'guardpost.office-ran';
// Where a build's screens opened later go (app/src/later.rs), beside its code.
const SPLIT = 'split';
// The module name the split's loader has in the main module's imports (wasm-split-cli's).
const SPLIT_LOADER = './__wasm_split.js';
// What the main module imports instead when no split ran (a `trunk build` without
// scripts/split/ first on PATH): such a build would stop at its first screen opened later.
const UNSPLIT = '__wasm_split_placeholder__';
// The device's store (app/src/sync/store.rs, DB_NAME), which the loader reads while the code
// comes, and the global it leaves its reading under (EARLY_READ there).
const STORE_DB = 'guardpost';
const EARLY_READ = 'guardpostStore';
// Beside each file of code, the same bytes at brotli's highest setting (compressForTheWire).
const BROTLI = '.br';
const SENT_COMPRESSED = /[.](wasm|js|css)$/;

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

/**
 * The version and URL lists for the build in `staging`, served under `publicUrl`: `files`
 * are kept at install, `office` once a device runs the office's build.
 */
export async function precacheList(staging, publicUrl) {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const hash = createHash('sha256');
  const files = [];
  const office = [];
  for (const path of await filesUnder(staging)) {
    // The brotli copies are how the Worker sends some files, not files of their own.
    if (path === SW || path.endsWith(BROTLI)) continue;
    // Hashed names already change with their contents, but the page, the icon and the
    // manifest keep theirs: only the bytes tell every change.
    hash.update(`${path}\0`).update(await readFile(join(staging, path))).update('\0');
    // The Worker answers the app's page at the base URL; asking for index.html by name
    // would redirect, and a redirected response can't answer a navigation.
    const url = path === 'index.html' ? base : base + path;
    (path.startsWith(`${OFFICE}/`) ? office : files).push(url);
  }
  if (!files.includes(base)) throw new Error(`no index.html in ${staging}`);
  return { version: hash.digest('hex').slice(0, 16), files, office };
}

export async function writeServiceWorker(staging, publicUrl) {
  const build = await precacheList(staging, publicUrl);
  const swPath = join(staging, SW);
  const source = await readFile(swPath, 'utf8');
  if (!BUILD_LINE.test(source)) throw new Error(`${swPath} has no "const BUILD = …;" line to fill in`);
  await writeFile(swPath, source.replace(BUILD_LINE, () => `const BUILD = ${JSON.stringify(build)};`));
  return build;
}

/** The code files of a Trunk build: its wasm-bindgen JS and its wasm, with the wasm's size. */
async function codeOf(dir) {
  const names = await readdir(dir);
  const js = names.find((n) => n.endsWith('.js') && n !== SW);
  const wasm = names.find((n) => n.endsWith('_bg.wasm'));
  if (!js || !wasm) throw new Error(`no app code (.js and _bg.wasm) in ${dir}`);
  return { js, wasm, size: (await stat(join(dir, wasm))).size };
}

// Chromium (136 on) compiles every function of a script that opens with this comment on the
// thread that streams it in, rather than each on the page's main thread when first called:
// most of the glue's functions and the parts' loaders run at the start (about 220 of them,
// 60-130 ms of a first visit's main thread, traced unthrottled).
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * Minifies the build's wasm-bindgen JS and its stylesheet in place (esbuild, the Worker's
 * bundler too): 3 KB gzip less before a teacher's first check. The JS opens with
 * COMPILE_HINT. Trunk's own --minify also
 * rewrites its loader in the page, which joinBuilds has to find. The page's links name
 * their files' hashes (integrity): a link to a minified file gets its new one, or the
 * browser would refuse it.
 */
export async function minifyCode(staging) {
  const page = join(staging, 'index.html');
  let html = await readFile(page, 'utf8').catch(() => null);
  for (const name of await readdir(staging)) {
    const loader = name === SW ? null : name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
    if (!loader) continue;
    const path = join(staging, name);
    const banner = loader === 'js' ? COMPILE_HINT : '';
    const { code } = await transform(await readFile(path, 'utf8'), { loader, minify: true, charset: 'utf8', banner });
    await writeFile(path, code);
    if (html === null) continue;
    const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
    const link = new RegExp(`<link[^>]*href="[^"]*/${name.replace(/[.]/g, '\\.')}"[^>]*>`);
    html = html.replace(link, (tag) => tag.replace(/integrity="[^"]*"/, `integrity="${integrity}"`));
  }
  if (html !== null) await writeFile(page, html);
}

/**
 * Writes `name.br` beside every file of code in the build (both builds' wasm and JS, the
 * screens opened later, the styles), which the Worker sends to a browser that takes brotli
 * (worker/src/routes/app_assets.rs): the class build's wasm is about a fifth smaller than
 * gzip -9 at quality 11, done once here rather than at a lower setting on every request.
 */
export async function compressForTheWire(staging) {
  const squeeze = promisify(brotliCompress);
  const code = (await filesUnder(staging)).filter((path) => path !== SW && SENT_COMPRESSED.test(path));
  let before = 0;
  let after = 0;
  await Promise.all(code.map(async (path) => {
    const bytes = await readFile(join(staging, path));
    const squeezed = await squeeze(bytes, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    await writeFile(join(staging, path + BROTLI), squeezed);
    before += bytes.length;
    after += squeezed.length;
  }));
  return { files: code.length, before, after };
}

const hashOf = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** wasm-opt with the level and passes the page gives Trunk for the main module. */
async function wasmOptArgs(page) {
  const html = await readFile(page, 'utf8');
  const level = html.match(/data-wasm-opt="([^"]*)"/)?.[1];
  const params = html.match(/data-wasm-opt-params="([^"]*)"/)?.[1] ?? '';
  if (!level) throw new Error(`${page}: no data-wasm-opt on the rust link`);
  return [`-O${level}`, ...params.split(/\s+/).filter(Boolean)];
}

/**
 * Takes the screens split out of the build's wasm (scripts/split/wasm-bindgen left them in
 * `splitDir`) into `staging/split/`: each module through wasm-opt as the main one is, and
 * named by its contents, as Trunk names the rest. The names matter beyond the cache:
 * wasm-split names its modules by their place in the code, and a page of one release must
 * never run another release's module in its memory. The modules' loader, which the main JS
 * imports, is bundled into the main JS (esbuild), with the modules' new names: the app's
 * start fetches, and a device keeps, no file more than before.
 */
export async function placeSplit(staging, splitDir, sourcePage) {
  const { js } = await codeOf(staging);
  const mainJs = join(staging, js);
  const main = await readFile(mainJs, 'utf8');
  if (main.includes(UNSPLIT)) {
    throw new Error(`${js} imports ${UNSPLIT}: the wasm was not split (build with scripts/build.sh, which puts scripts/split/ first on PATH)`);
  }
  if (!main.includes(`from "${SPLIT_LOADER}"`)) return [];
  let loader = await readFile(join(splitDir, SPLIT_LOADER), 'utf8');
  // wasm-bindgen ran before Trunk named the JS by its hash: the loader imports the plain name.
  const mainImport = /from "\.\/([^"/]+)\.js"/;
  const stem = loader.match(mainImport)?.[1];
  if (!stem) throw new Error(`${splitDir}/${SPLIT_LOADER}: no import of the main module`);
  if (!js.startsWith(`${stem}-`) && js !== `${stem}.js`) throw new Error(`${splitDir}: the split of ${stem}, not of ${js}`);
  loader = loader.replace(mainImport, `from "./${js}"`);
  await rm(join(staging, SPLIT), { recursive: true, force: true });
  await mkdir(join(staging, SPLIT));
  const optArgs = await wasmOptArgs(sourcePage);
  const placed = [];
  for (const name of (await readdir(splitDir)).filter((n) => n.endsWith('.wasm') && n !== `${stem}.wasm`)) {
    const quoted = `"./${name}"`;
    if (!loader.includes(quoted)) throw new Error(`${SPLIT_LOADER} never loads ${name}`);
    const optimised = join(staging, SPLIT, name);
    execFileSync('wasm-opt', [...optArgs, join(splitDir, name), '-o', optimised], { stdio: ['ignore', 'ignore', 'pipe'] });
    const bytes = await readFile(optimised);
    const hashed = `${name.replace(/[.]wasm$/, '')}-${hashOf(bytes)}.wasm`;
    await rm(optimised);
    await writeFile(join(staging, SPLIT, hashed), bytes);
    // Fetched relative to the module the loader ends up in: the main JS, beside split/.
    loader = loader.replaceAll(quoted, `"./${SPLIT}/${hashed}"`);
    placed.push(hashed);
  }
  // Beside the main JS under the name it imports, for esbuild to find; gone once bundled.
  const loaderPath = join(staging, SPLIT_LOADER);
  await writeFile(loaderPath, loader);
  try {
    await build({ entryPoints: [mainJs], bundle: true, format: 'esm', charset: 'utf8', outfile: mainJs, allowOverwrite: true, logLevel: 'error' });
  } finally {
    await rm(loaderPath);
  }
  // The wasm's imports still name the module (its key in the imports object), not as an import.
  const stillImported = new RegExp(`from\\s*"${SPLIT_LOADER.replaceAll('.', '\\.')}"`);
  if (stillImported.test(await readFile(mainJs, 'utf8'))) throw new Error(`${js}: the split's loader was not bundled`);
  return placed;
}

/** Leaves only the office build's code in its staging directory. */
export async function trimOfficeBuild(staging) {
  const { js, wasm } = await codeOf(staging);
  const keep = [js, wasm, SPLIT];
  for (const name of await readdir(staging)) {
    if (!keep.includes(name)) await rm(join(staging, name), { recursive: true });
  }
}

/**
 * The page's loader: starts the build this device remembered (the class build when it
 * remembers none, or its storage can't be read), fetching its code and its wasm at once. It
 * stands before the stylesheet, which would hold a script after it until it arrived (an
 * RTT on a slow link), and starts the app once the page's body is there to mount into.
 *
 * While the wasm arrives it keeps the page's opening block (worker/templates/app_boot.html)
 * up to date: a download that takes more than a second says how far it has got (a first
 * visit on one bar of signal takes ten); one that gets nothing for 20 s says so and offers
 * to try again (a dropped signal often stalls a download rather than failing it), until
 * bytes come again; one that fails says so and offers to try again, rather than saying
 * "opening" for ever. The bytes are counted as they pass on
 * to the browser's streaming compile, against the wasm's size written here at build time
 * (the network's count would be of gzip); only on a page no service worker controls yet,
 * see wasmOf.
 *
 * It reads the device's store meanwhile (every object store's keys and values, in one
 * transaction) and leaves the database and what it read for the app (store.rs,
 * take_early_read), which would otherwise open and ask the store only once it had drawn
 * itself, each of three answers queued behind the frame it drew. Only a store that is
 * there is read: on a device that has none, the open is undone, and the app creates the
 * store with its object stores when it signs in.
 */
export function loader(base, classCode, officeCode) {
  const builds = {
    class: { js: base + classCode.js, wasm: base + classCode.wasm, size: classCode.size },
    office: {
      js: `${base}${OFFICE}/${officeCode.js}`, wasm: `${base}${OFFICE}/${officeCode.wasm}`, size: officeCode.size,
    },
  };
  return `<script>
(() => {
  window[${JSON.stringify(EARLY_READ)}] = new Promise((done) => {
    const none = () => done(null);
    let request;
    try { request = indexedDB.open(${JSON.stringify(STORE_DB)}); } catch (e) { return none(); }
    request.onupgradeneeded = () => request.transaction.abort();
    request.onerror = none;
    request.onblocked = none;
    request.onsuccess = () => {
      const db = request.result;
      // Another release's app upgrading the store waits for no one.
      db.onversionchange = () => db.close();
      const failed = () => { db.close(); none(); };
      try {
        const names = [...db.objectStoreNames];
        const tx = db.transaction(names, 'readonly');
        const stores = {};
        for (const name of names) {
          const store = tx.objectStore(name);
          const read = { keys: store.getAllKeys(), values: store.getAll() };
          stores[name] = read;
        }
        tx.oncomplete = () => {
          for (const read of Object.values(stores)) {
            read.keys = read.keys.result;
            read.values = read.values.result;
          }
          done({ db, stores });
        };
        tx.onabort = failed;
      } catch (e) { failed(); }
    };
  });
  const builds = ${JSON.stringify(builds)};
  let build = builds.class;
  try { if (localStorage.getItem(${JSON.stringify(BUILD_KEY)}) === ${JSON.stringify(OFFICE)}) build = builds.office; } catch (e) {}
  for (const [rel, href] of [['modulepreload', build.js], ['preload', build.wasm]]) {
    const link = document.createElement('link');
    link.rel = rel;
    link.href = href;
    link.crossOrigin = 'anonymous';
    if (rel === 'preload') { link.as = 'fetch'; link.type = 'application/wasm'; }
    document.head.appendChild(link);
  }
  const parsed = new Promise((done) => {
    if (document.readyState === 'loading') addEventListener('DOMContentLoaded', done, { once: true });
    else done();
  });
  const began = Date.now();
  const boot = (part) => document.querySelector('#boot ' + part);
  const show = (part, shown) => { const el = boot(part); if (el) el.hidden = !shown; };
  let stalled;
  let saidStalled = false;
  const stall = (still) => { saidStalled = still; show('.boot-stalled', still); show('.boot-retry', still); };
  // Called for every chunk: the notice is taken down only when it is up.
  const waiting = () => {
    clearTimeout(stalled);
    if (saidStalled) stall(false);
    stalled = setTimeout(() => stall(true), 20000);
  };
  const progress = (got, size) => {
    waiting();
    const el = boot('.boot-progress');
    if (!el || Date.now() - began < 1000) return;
    const text = el.dataset.label + Math.min(99, Math.floor((100 * got) / size)) + '%';
    if (el.textContent !== text) el.textContent = text;
    el.hidden = false;
  };
  // Under the service worker the files come from the phone's own cache and go to the browser
  // as they come: V8 keeps the wasm's compiled code with the cached response, which a counted
  // copy (a response with no URL) would not find, and a repeat visit would compile it all
  // again. Asking the cache first cost the repeat visit 0.1 s. So a page no service worker
  // controls counts its download, and so does the office's build the first time a device
  // runs it (it comes through the worker from the network): the device notes which office
  // build it has run, and a new release's is counted again. Only a counted download can
  // tell a stalled one.
  const controlled = Boolean(navigator.serviceWorker?.controller);
  let ranOffice = null;
  try { ranOffice = localStorage.getItem(${JSON.stringify(RAN_OFFICE_KEY)}); } catch (e) {}
  const counts = (chosen) => !controlled || (chosen === builds.office && ranOffice !== chosen.wasm);
  const wasmOf = (chosen) => (!counts(chosen) ? chosen.wasm : fetch(chosen.wasm).then((response) => {
    if (!response.ok || !response.body || !chosen.size) return response;
    let got = 0;
    const counted = new TransformStream({
      transform(chunk, out) { got += chunk.byteLength; progress(got, chosen.size); out.enqueue(chunk); },
    });
    return new Response(response.body.pipeThrough(counted), { headers: { 'Content-Type': 'application/wasm' } });
  }));
  const start = (chosen) => Promise.all([import(chosen.js), parsed])
    .then(([bindings]) => bindings.default({ module_or_path: wasmOf(chosen) }).then((wasm) => {
      window.wasmBindings = bindings;
      dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
      if (chosen === builds.office) {
        try { localStorage.setItem(${JSON.stringify(RAN_OFFICE_KEY)}, chosen.wasm); } catch (e) {}
      }
    }));
  if (counts(build)) waiting();
  parsed.then(() => boot('.boot-retry')?.addEventListener('click', () => location.reload()));
  // The office's build not kept on this device, and no network: the class build, which
  // says so on the office's screens, rather than a blank page.
  start(build).catch((e) => {
    if (build === builds.class) throw e;
    return start(builds.class);
  }).then(() => clearTimeout(stalled), (e) => {
    clearTimeout(stalled);
    show('.boot-opening', false);
    show('.boot-progress', false);
    show('.boot-stalled', false);
    show('.boot-failed', true);
    show('.boot-retry', true);
    throw e;
  });
})();
</script>`;
}

/** Takes the office's code into the class build and puts the loader into its page. */
export async function joinBuilds(staging, publicUrl, officeDist = OFFICE_DIST) {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const officeCode = await codeOf(officeDist).catch((e) => {
    throw new Error(`${e.message}: build the office's app first (scripts/build.sh does both)`);
  });
  await cp(officeDist, join(staging, OFFICE), { recursive: true });
  const classCode = await codeOf(staging);
  const page = join(staging, 'index.html');
  let html = await readFile(page, 'utf8');
  const trunkParts = [
    /<script type="module">\s*import init, \* as bindings from[\s\S]*?<\/script>/,
    /<link rel="modulepreload"[^>]*>/,
    /<link rel="preload"[^>]*type="application\/wasm"[^>]*>/,
  ];
  for (const part of trunkParts) {
    if (!part.test(html)) throw new Error(`index.html: Trunk's ${part} not found; has Trunk's loader changed?`);
    html = html.replace(part, '');
  }
  const stylesheet = html.indexOf('<link rel="stylesheet"');
  if (stylesheet < 0) throw new Error("index.html: no stylesheet link to put the loader before");
  html = `${html.slice(0, stylesheet)}${loader(base, classCode, officeCode)}\n  ${html.slice(stylesheet)}`;
  await writeFile(page, html);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const staging = process.env.TRUNK_STAGING_DIR;
  if (!staging) {
    console.error('sw-precache: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
    process.exit(1);
  }
  const publicUrl = process.env.TRUNK_PUBLIC_URL || '/app/';
  // Trunk's wasm-bindgen output directory, where scripts/split/wasm-bindgen left the split.
  const profile = process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release';
  const splitDir = join(import.meta.dirname, '..', 'target', 'wasm-bindgen', profile, SPLIT);
  const page = process.env.TRUNK_HTML_FILE || join(import.meta.dirname, '..', 'app', 'index.html');
  const placed = await placeSplit(staging, splitDir, page);
  console.error(`sw-precache: ${placed.length} modules of screens opened later`);
  if (publicUrl.replace(/\/$/, '').endsWith(`/${OFFICE}`)) {
    await trimOfficeBuild(staging);
    await minifyCode(staging);
    console.error('sw-precache: the office build keeps its code only');
  } else {
    await minifyCode(staging);
    await joinBuilds(staging, publicUrl);
    const build = await writeServiceWorker(staging, publicUrl);
    console.error(`sw-precache: ${build.files.length} files kept at install, ${build.office.length} for the office, version ${build.version}`);
    const squeezed = await compressForTheWire(staging);
    console.error(`sw-precache: ${squeezed.files} files of code also in brotli, ${squeezed.before} → ${squeezed.after} bytes`);
  }
}
