/* What the viewer brings after the first view: the scene list, the compass, share and motion controls,
   zoom and full screen, the information panel and the flat fallback without WebGL. None of them is needed
   to draw the first view, so they come in their own script (viewer-more.js), which the core asks for once
   the first view is on screen, or sooner when the visitor reaches for the tour or the core needs a part
   (static/viewer/m-more.js). build.rs joins these files, in name order, inside
   `window.disanViewerMore = core => {…}`; the core calls that function with the internals they use,
   listed here, so none of them has to be a global, and gets back what it calls in them (z-join.js). The
   bar's controls gather in `bar` and join the core's control group together, at the end (z-join.js,
   after their look: y-look.js). */
const { S, on, changeView, Ui, Url, G, Scenes, Hotspots, tour, el, button, lab, num, clamp, D } = core;
const bar = document.createDocumentFragment();
