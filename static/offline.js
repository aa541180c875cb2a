/* disan: registers the service worker (/sw.js) and runs the save-for-offline box.
   The worker does the saving and keeps the record of what is saved; this page asks it for its state
   ({type:'state'}), asks it to keep or drop sites, and shows the progress and the sizes it reports.
   A site page opened here is kept for its language as soon as it has loaded (not when the visitor asked
   the browser to save data). On the offline page, it lists the sites this phone kept.
   The page carries only the box's empty, hidden <section>: its words come from the later scripts' words
   file its `data-words` names (fetched here; the offline list keeps it with the scripts), and this
   script builds the box. */
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.caches) return;
  // The box's look (static/css/save.css, whose rules build.rs writes here): only pages that can show the
  // box need it, so it is not in their style sheets.
  __ADOPT_RULES__;
  adoptRules(__STYLE_RULES__);
  var box = document.getElementById('offline');
  var keptList = document.getElementById('offline-kept');
  var lang = (box || keptList || document.documentElement).getAttribute('data-lang') || document.documentElement.lang;
  var slug = box && box.getAttribute('data-slug');
  var state = null;          // the worker's last report
  var loadedUnder = null;    // the worker version that answered first (a later one is an update)
  var saving = null;         // {what, done, total} while a save runs
  var W = null;              // the box's words, once fetched; the box is built from them
  var newer = false;         // a newer build took over since this page loaded

  navigator.serviceWorker.register('/sw.js').catch(function () { if (box) box.hidden = true; });
  navigator.serviceWorker.addEventListener('message', function (e) { onMessage(e.data || {}); });
  function send(msg) {
    navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage(msg); });
  }
  send({ type: 'state' });
  if (box) {
    fetch(box.getAttribute('data-words'))
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (w) { build(w.offline); }, function () { /* no words, no box: it stays hidden */ });
  }

  function words(key, fill) {
    var s = (W && W[key]) || (keptList && keptList.getAttribute('data-' + key)) || '';
    Object.keys(fill || {}).forEach(function (k) { s = s.split('{' + k + '}').join(fill[k]); });
    return s;
  }
  function bytes(n) {
    var num = function (x, d) { return x.toLocaleString(lang, { maximumFractionDigits: d }); };
    if (n >= 1e9) return num(n / 1e9, 1) + ' GB';
    if (n >= 1e6) return num(n / 1e6, 1) + ' MB';
    return num(Math.max(1, Math.round(n / 1e3)), 0) + ' kB';
  }
  function keptHere(s) { return !!(state && state.kept[s] && state.kept[s].indexOf(lang) >= 0); }

  function onMessage(m) {
    if (m.type === 'state') {
      if (loadedUnder === null) loadedUnder = m.version;
      state = m;
      // The report that ends a save (or says why it could not start).
      if (saving && (m.error || saving.done >= saving.total)) saving = null;
      render();
      autoKeep();
    } else if (m.type === 'progress') {
      if (m.auto && m.what !== slug) return;      // another tab's site, kept in the background
      saving = { what: m.what, done: m.done, total: m.total };
      render();
    } else if (m.type === 'failed') {
      saving = null;
      render(words('failed'));
    } else if (m.type === 'updated') {
      if (loadedUnder && m.version !== loadedUnder) newer = true;
      render(newer ? words('updated') : undefined);
      send({ type: 'state' });
    }
  }

  // Keeps the site being looked at, once, when the page has finished loading.
  var autoAsked = false;
  function autoKeep() {
    if (autoAsked || !slug || !state || state.error || keptHere(slug)) return;
    var c = navigator.connection;
    if (c && c.saveData) return;
    autoAsked = true;
    var go = function () { send({ type: 'keep', slugs: slug, lang: lang, auto: true }); };
    if (document.readyState === 'complete') go(); else addEventListener('load', go);
  }

  // The box, from its words: a status line, a progress bar while saving, the buttons, the list of kept
  // sites (home page) and the storage used.
  function build(w) {
    W = w || {};
    var el = function (tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text) e.textContent = text;
      return e;
    };
    var button = function (cls, label, hidden, fn) {
      var b = el('button', cls, label);
      b.type = 'button';
      b.hidden = hidden;
      b.addEventListener('click', fn);
      return b;
    };
    var title = el('h2', '', W.title);
    title.id = 'offline-h';
    var status = el('p', 'offline-status');
    status.setAttribute('role', 'status');
    var bar = el('progress', 'offline-progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-labelledby', 'offline-h');
    bar.hidden = true;
    var actions = el('p', 'offline-actions');
    if (slug) {
      actions.append(
        button('offline-save', W.save, false, function () { send({ type: 'keep', slugs: slug, lang: lang }); }),
        button('offline-remove', W.remove, true, function () { send({ type: 'drop', slugs: slug }); }));
    }
    actions.append(
      button('offline-all', W.save_all, false, function () { send({ type: 'keep', slugs: '*', lang: lang }); }),
      button('offline-reload', W.reload, true, function () { location.reload(); }));
    box.setAttribute('aria-labelledby', 'offline-h');
    box.append(title, status, bar, actions);
    if (!slug) {
      var listTitle = el('h3', 'offline-list-h', W.list);
      listTitle.hidden = true;
      box.append(listTitle, el('ul', 'offline-list'));
    }
    box.append(el('p', 'offline-usage'));
    render(newer ? words('updated') : undefined);
  }

  function render(note) {
    if (keptList) return renderList();
    if (!box || !state || !W) return;
    box.hidden = false;
    var status = box.querySelector('.offline-status');
    var bar = box.querySelector('.offline-progress');
    var save = box.querySelector('.offline-save');
    var remove = box.querySelector('.offline-remove');
    var all = box.querySelector('.offline-all');
    var sz = state.sizes || { site: {}, all: {}, kept: 0 };
    var keptSlugs = Object.keys(state.kept).filter(keptHere);
    var everything = state.sites && keptSlugs.length === state.sites.length;
    bar.hidden = !saving;
    if (saving) {
      var pct = Math.floor(100 * saving.done / Math.max(1, saving.total));
      bar.value = pct;
      status.textContent = words('saving', { pct: pct + ' %' });
    } else if (slug && keptHere(slug)) {
      status.textContent = words('saved', { size: bytes(sz.site[slug][lang]) });
    } else {
      status.textContent = note || '';
    }
    if (save) {
      save.hidden = keptHere(slug);
      save.textContent = W.save + ' (' + bytes((sz.site[slug] || {})[lang] || 0) + ')';
      save.disabled = !!saving;
      remove.hidden = !keptHere(slug) || !!saving;
    }
    all.hidden = !!everything;
    all.textContent = W.save_all + ' (' + bytes(sz.all[lang] || 0) + ')';
    all.disabled = !!saving;
    box.querySelector('.offline-reload').hidden = !newer;
    var list = box.querySelector('.offline-list');
    if (list) {
      list.replaceChildren();
      keptSlugs.forEach(function (s) {
        var site = state.sites.filter(function (x) { return x.slug === s; })[0];
        if (!site) return;
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = site.pages[lang];
        a.textContent = site.name[lang];
        var drop = document.createElement('button');
        drop.type = 'button';
        drop.className = 'offline-drop';
        drop.textContent = W.remove;
        drop.setAttribute('aria-label', W.remove + ': ' + site.name[lang]);
        drop.addEventListener('click', function () { send({ type: 'drop', slugs: s }); });
        li.append(a, ' · ' + bytes(sz.site[s][lang]) + ' ', drop);
        list.append(li);
      });
      box.querySelector('.offline-list-h').hidden = !keptSlugs.length;
    }
    var usage = box.querySelector('.offline-usage');
    var line = !keptSlugs.length ? words('none')
      : words(keptSlugs.length === 1 ? 'usage_one' : 'usage', { n: keptSlugs.length, size: bytes(sz.kept) });
    usage.textContent = line;
    if (navigator.storage && navigator.storage.estimate) {
      navigator.storage.estimate().then(function (e) {
        if (e && e.quota) usage.textContent = line + ' ' + words('space', { free: bytes(Math.max(0, e.quota - (e.usage || 0))) });
      });
    }
  }

  function renderList() {
    if (!state) return;
    keptList.replaceChildren();
    (state.sites || []).forEach(function (site) {
      var langs = state.kept[site.slug];
      if (!langs || !langs.length) return;
      var l = langs.indexOf(lang) >= 0 ? lang : langs[0];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = site.pages[l];
      a.textContent = site.name[l];
      if (l !== lang) a.lang = l;
      li.append(a);
      keptList.append(li);
    });
    if (!keptList.children.length) {
      var none = document.createElement('li');
      none.textContent = keptList.getAttribute('data-none');
      keptList.append(none);
    }
  }

})();
