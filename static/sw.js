/* disan service worker: keeps sites on the phone for use without a network.
   Written to /sw.js by each build with that build's offline version; the list of what each site needs
   (with byte sizes) is /offline.json. Caches:
     disan-pages-<version>  pages and the list of this build (replaced whole by the next build)
     disan-files            fingerprinted files — styles, scripts, previews, level-1 tiles, narration —
                            shared by builds (a new name is a new file); pruned to what kept sites need
     disan-seen             finer tiles fetched while looking around, capped
     disan-meta             what the visitor kept: {"sites": {slug: [lang, …]}}
   An empty version (the editors' live preview) makes a worker that removes itself and every cache. */
'use strict';
const VERSION = '__DISAN_OFFLINE_VERSION__';
const PAGES = 'disan-pages-' + VERSION;
const FILES = 'disan-files';
const SEEN = 'disan-seen';
const META = 'disan-meta';
const KEPT = '/_kept';              // key of the record in META (never a real address: /_/ is assets)
const SEEN_MAX = 400;               // finer tiles kept from looking around (~20 MB at most)
const PARALLEL = 4;                 // downloads at once while saving

// Names that carry a content hash; the code table under /_/ keeps its name and changes with the build.
const fingerprinted = p => (p.startsWith('/_/') && p !== '/_/links.json') || p.startsWith('/media/');
const tilePath = /^\/media\/[^/]+\/[^/]+\/\d+\/[fblrud]\d+_\d+\.[a-z]+$/;

// ---- the editors' preview: remove every trace, then reload open pages from the network ----
if (!VERSION) {
  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', e => e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('disan-')) await caches.delete(k);
    await self.registration.unregister();
    for (const c of await self.clients.matchAll({ type: 'window' })) c.navigate(c.url);
  })()));
} else {
  self.addEventListener('install', e => {
    self.skipWaiting();
    e.waitUntil(install());
  });
  self.addEventListener('activate', e => e.waitUntil(activate()));
  self.addEventListener('fetch', onFetch);
  self.addEventListener('message', e => {
    const m = e.data || {};
    const work = m.type === 'keep' ? keep(m.slugs, m.lang, !!m.auto)
      : m.type === 'drop' ? drop(m.slugs)
      : m.type === 'state' ? tell()
      : null;
    if (work) e.waitUntil(work.catch(err => tell({ error: String(err && err.message || err) })));
  });
}

// ---- the list of what each site needs ----
let list = null;                   // this build's offline.json, parsed
async function manifest() {
  if (list) return list;
  const pages = await caches.open(PAGES);
  let r = await pages.match('/offline.json');
  if (!r) {
    r = await fetch('/offline.json', { cache: 'no-cache' });
    if (!r.ok) throw new Error('offline.json: ' + r.status);
    const m = await r.clone().json();
    // The host already has a newer build: this worker's list would not match its pages.
    if (m.version !== VERSION) { self.registration.update(); throw new Error('a newer build is being installed'); }
    await pages.put('/offline.json', r);
    list = m;
    return m;
  }
  list = await r.json();
  return list;
}

async function kept() {
  const r = await (await caches.open(META)).match(KEPT);
  const k = r ? await r.json() : {};
  return { sites: k.sites || {} };
}
async function setKept(k) {
  await (await caches.open(META)).put(KEPT, new Response(JSON.stringify(k), { headers: { 'content-type': 'application/json' } }));
}

// The files for `slug` in `lang` (plus what every page needs), each as [url, bytes].
function filesFor(m, slug, lang) {
  const site = m.sites.find(s => s.slug === slug);
  if (!site) return [];
  return [].concat(m.boot, m.home[lang] || [], site.all, site.langs[lang] || []);
}
function needed(m, k) {
  const urls = new Map();
  m.boot.forEach(([u, n]) => urls.set(u, n));
  for (const [slug, langs] of Object.entries(k.sites)) {
    for (const lang of langs) filesFor(m, slug, lang).forEach(([u, n]) => urls.set(u, n));
  }
  return urls;
}
// Bytes: of what is kept (shared files counted once); of each site in each language, as saved alone on
// an empty phone; of every site in each language.
function sizes(m, k) {
  const sum = urls => [...urls.values()].reduce((a, b) => a + b, 0);
  const site = {}, all = {};
  for (const l of m.languages) {
    for (const s of m.sites) (site[s.slug] = site[s.slug] || {})[l] = sum(needed(m, { sites: { [s.slug]: [l] } }));
    all[l] = sum(needed(m, { sites: Object.fromEntries(m.sites.map(s => [s.slug, [l]])) }));
  }
  return { kept: sum(needed(m, k)), site, all };
}

// ---- saving and removing ----
let busy = Promise.resolve();      // one save or removal at a time, in order
function queue(job) { busy = busy.then(job, job); return busy; }

async function put(url, pages, files) {
  const into = fingerprinted(url) ? files : pages;
  if (await into.match(url)) return;
  const seen = fingerprinted(url) && await (await caches.open(SEEN)).match(url);
  if (seen) { await into.put(url, seen); return; }
  let r = await fetch(url, { cache: fingerprinted(url) ? 'default' : 'no-cache' });
  if (!r.ok) throw new Error(url + ': ' + r.status);
  // A page the host answers with a redirect (the root, by language) is kept as the page it led to: a
  // redirected response cannot answer a navigation.
  if (r.redirected) r = new Response(await r.blob(), { status: 200, headers: r.headers });
  await into.put(url, r);
}

async function fetchAll(list, progress) {
  const pages = await caches.open(PAGES), files = await caches.open(FILES);
  const total = list.reduce((a, [, n]) => a + n, 0);
  let done = 0, next = 0, failed = null;
  async function worker() {
    while (next < list.length && !failed) {
      const [url, n] = list[next++];
      try { await put(url, pages, files); } catch (e) { failed = e; return; }
      done += n;
      if (progress) progress(done, total);
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (failed) throw failed;
}

function keep(slugs, lang, auto) {
  return queue(async () => {
    const m = await manifest();
    if (!m.languages.includes(lang)) lang = m.languages[0];
    const all = slugs === '*' ? m.sites.map(s => s.slug) : [].concat(slugs).filter(s => m.sites.some(x => x.slug === s));
    const k = await kept();
    const urls = new Map();
    for (const slug of all) filesFor(m, slug, lang).forEach(([u, n]) => urls.set(u, n));
    const what = slugs === '*' ? '*' : all.join(' ');
    await broadcast({ type: 'progress', what, auto, done: 0, total: 1 });
    try {
      await fetchAll([...urls], (done, total) => broadcast({ type: 'progress', what, auto, done, total }));
    } catch (e) {
      await broadcast({ type: 'failed', what, auto, error: String(e.message || e) });
      return tell();
    }
    for (const slug of all) k.sites[slug] = [...new Set([].concat(k.sites[slug] || [], lang))];
    await setKept(k);
    if (navigator.storage && navigator.storage.persist && !auto) navigator.storage.persist().catch(() => {});
    return tell();
  });
}

function drop(slugs) {
  return queue(async () => {
    const m = await manifest();
    const k = await kept();
    for (const slug of slugs === '*' ? Object.keys(k.sites) : [].concat(slugs)) delete k.sites[slug];
    await setKept(k);
    await prune(m, k);
    return tell();
  });
}

// Deletes what no kept site needs: pages and files not in the list, finer tiles of sites not kept or of
// panoramas this build no longer has.
async function prune(m, k) {
  const want = needed(m, k);
  const pages = await caches.open(PAGES);
  for (const req of await pages.keys()) {
    const p = new URL(req.url).pathname;
    if (p !== '/offline.json' && !want.has(p)) await pages.delete(req);
  }
  const files = await caches.open(FILES);
  for (const req of await files.keys()) if (!want.has(new URL(req.url).pathname)) await files.delete(req);
  const dirs = new Set();
  for (const u of want.keys()) { const i = u.indexOf('/1/'); if (u.startsWith('/media/') && i > 0) dirs.add(u.slice(0, i + 1)); }
  const seen = await caches.open(SEEN);
  for (const req of await seen.keys()) {
    const p = new URL(req.url).pathname;
    if (![...dirs].some(d => p.startsWith(d))) await seen.delete(req);
  }
}

async function tell(extra) {
  let state;
  try {
    const m = await manifest(), k = await kept();
    state = Object.assign({ type: 'state', version: VERSION, kept: k.sites, sizes: sizes(m, k), sites: m.sites.map(s => ({ slug: s.slug, name: s.name, pages: s.pages })) }, extra || {});
  } catch (e) {
    state = Object.assign({ type: 'state', version: VERSION, kept: {}, error: String(e.message || e) }, extra || {});
  }
  await broadcast(state);
}

async function broadcast(msg) {
  for (const c of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) c.postMessage(msg);
}

// ---- a new build ----
async function install() {
  // The list, the offline page and the pages' styles and scripts, then whatever the visitor kept under
  // the previous build, fetched anew where it changed (unchanged fingerprinted files are already here).
  const m = await manifest();
  await fetchAll(m.boot);
  const k = await kept();
  const urls = new Map();
  for (const [slug, langs] of Object.entries(k.sites)) {
    for (const lang of langs) filesFor(m, slug, lang).forEach(([u, n]) => urls.set(u, n));
  }
  await fetchAll([...urls]);
}

async function activate() {
  for (const key of await caches.keys()) {
    if (key.startsWith('disan-pages-') && key !== PAGES) await caches.delete(key);
  }
  const m = await manifest(), k = await kept();
  for (const slug of Object.keys(k.sites)) if (!m.sites.some(s => s.slug === slug)) delete k.sites[slug];
  await setKept(k);
  await prune(m, k);
  await self.clients.claim();
  await broadcast({ type: 'updated', version: VERSION });
}

// ---- answering requests ----
function onFetch(e) {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== location.origin || url.pathname === '/sw.js' || url.pathname.startsWith('/_/preview/')) return;
  if (req.mode === 'navigate') e.respondWith(page(req, url));
  else e.respondWith(file(req, url));
}

async function page(req, url) {
  let path = url.pathname;
  if (!path.endsWith('/') && !/\.[a-z0-9]+$/i.test(path)) path += '/';
  const pages = await caches.open(PAGES);
  // A kept page is this build's and shown at once, whatever the signal; a new build on the host reaches
  // the phone as a new worker, which replaces the kept pages before it takes over.
  const hit = await pages.match(path);
  if (hit) return hit;
  try {
    return await fetch(req);
  } catch (err) {
    const m = await manifest().catch(() => null);
    const langs = m ? m.languages : [];
    const first = path.split('/')[1];
    const lang = langs.includes(first) ? first : langs[0];
    if (path === '/' && lang) {
      const home = await pages.match('/' + lang + '/');
      if (home) return home;
    }
    const code = /^\/q\/([^/]+)\/?$/i.exec(path);
    if (code && m) {
      const to = await placard(code[1], lang, pages);
      if (to) return Response.redirect(to, 302);
    }
    const friendly = lang && await pages.match('/' + lang + '/offline.html');
    if (friendly) return friendly;
    throw err;
  }
}

// A placard scanned offline: the code table the host uses, when it was kept.
async function placard(code, lang, pages) {
  const r = await pages.match('/_/links.json');
  if (!r) return null;
  try {
    const t = await r.json();
    const c = t.codes && (t.codes[code] || t.codes[code.toLowerCase()]);
    if (!c || !c.site) return null;
    const to = '/' + lang + '/' + c.site + '/';
    if (!(await pages.match(to))) return null;
    return to + (c.scene ? '#scene=' + encodeURIComponent(c.scene) : '');
  } catch (e) { return null; }
}

async function cached(path) {
  for (const name of [FILES, SEEN, PAGES]) {
    const r = await (await caches.open(name)).match(path);
    if (r) return r;
  }
  return null;
}

async function file(req, url) {
  const path = url.pathname;
  const hit = fingerprinted(path) || path === '/offline.json' ? await cached(path) : null;
  const range = req.headers.get('range');
  if (hit) return range ? partial(hit, range) : hit;
  const r = await fetch(req);
  if (r.ok && r.status === 200 && tilePath.test(path)) {
    const copy = r.clone();
    (async () => {
      const seen = await caches.open(SEEN);
      await seen.put(path, copy);
      const keys = await seen.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - SEEN_MAX))) await seen.delete(old);
    })().catch(() => {});
  }
  return r;
}

// A byte range of a kept file (narration audio asks for ranges): a 206 cut from the whole response.
async function partial(whole, range) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  const body = await whole.blob();
  const size = body.size;
  let start, end;
  if (m && m[1] !== '') { start = +m[1]; end = m[2] !== '' ? Math.min(+m[2], size - 1) : size - 1; }
  else if (m && m[2] !== '') { start = Math.max(0, size - +m[2]); end = size - 1; }
  if (start === undefined || start > end || start >= size) {
    return new Response(null, { status: 416, headers: { 'content-range': 'bytes */' + size } });
  }
  const headers = new Headers(whole.headers);
  headers.set('content-range', 'bytes ' + start + '-' + end + '/' + size);
  headers.set('content-length', String(end - start + 1));
  return new Response(body.slice(start, end + 1), { status: 206, statusText: 'Partial Content', headers });
}
