/* The later controls (scene list, compass, share, motion: static/viewer-more/) are not needed to draw the
   first view, so they come in a script of their own, asked for once: when the first view is on screen, or
   at once when the visitor reaches for the tour before that (a touch, a click, a key, focus). Not after a
   longer wait: on a slow link the scene list is what a visitor looks for next, and the script is small
   beside the tiles still arriving. Its address is fixed by build.rs (the name with its fingerprint, beside
   this script's own). It defines window.disanViewerMore, which is called once with what the controls use
   from the core: handed over, not made global. Without WebGL the flat fallback shows no controls, so it
   is not asked for; a failed request is tried again on the next touch. */
const More = (() => {
  const me = document.currentScript;
  let asked = false;
  function load() {
    if (asked || S.phase === 'static' || !me || !me.src) return;
    asked = true;
    const s = document.createElement('script');
    s.src = new URL('__VIEWER_MORE__', me.src).href;
    s.onload = () => {
      const f = window.disanViewerMore;
      delete window.disanViewerMore;
      if (typeof f === 'function') f({ S, on, changeView, Ui, Url, G, Scenes, tour, el, button, lab, num, clamp, D });
    };
    s.onerror = () => { s.remove(); asked = false; };
    document.head.append(s);
  }
  return { load };
})();
