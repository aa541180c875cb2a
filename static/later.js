/* The scripts a page needs only after its first view, loaded when they are needed (inline at the end of
   the page; build.rs minifies it and puts its hash in the content policy). An element names its script in
   `data-script`; the script is added to the page once:
   - when the visitor first touches, clicks or focuses something inside that element (so the
     narration's controls come at once for someone who goes straight to them), or
   - when the page has settled: loaded, the tour's first view drawn sharp (its `aria-busy` is no longer
     "true", looked at every 200 ms; at most 6 s after the load), and the main thread idle. Until then the first view has the
     network and the main thread to itself: the viewer's script is the only one the page asks for.
   Without this script the page still works: the transcript is in the page, a recording plays in its own
   player and the directions link opens the OpenStreetMap route planner. */
(function () {
  var d = document, done = {};
  function load(el) {
    var src = el.getAttribute('data-script');
    if (!src || done[src]) return;
    done[src] = 1;
    var s = d.createElement('script');
    s.src = src;
    d.body.appendChild(s);
  }
  function all() {
    [].forEach.call(d.querySelectorAll('[data-script]'), load);
  }
  ['pointerdown', 'focusin', 'click'].forEach(function (type) {
    d.addEventListener(type, function (e) {
      var el = e.target && e.target.closest && e.target.closest('[data-script]');
      if (el) load(el);
    }, true);
  });
  // Settled: loaded, and the tour not busy (or busy for 6 s already); then when the main thread is idle.
  var since;
  function settled() {
    var tour = d.getElementById('tour');
    if (tour && tour.getAttribute('aria-busy') === 'true' && Date.now() - since < 6000) return setTimeout(settled, 200);
    if (window.requestIdleCallback) requestIdleCallback(all, { timeout: 2000 });
    else setTimeout(all, 200);
  }
  function start() {
    since = Date.now();
    settled();
  }
  if (d.readyState === 'complete') start();
  else addEventListener('load', start);
})();
