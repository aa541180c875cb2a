/* The viewer's later controls: the scene list, the compass, share and motion control. None of them is
   needed to draw the first view, so they come in their own script (viewer-more.js), which the core asks
   for once the first view is on screen, or at once when the visitor reaches for the tour before that
   (static/viewer/m-more.js). build.rs joins these files, in name order, inside
   `window.disanViewerMore = core => {…}`; the core calls that function with the internals the controls
   use, listed here, so none of them has to be a global. The controls gather in `bar` and join the
   core's control group together, at the end (z-join.js, after their look: y-look.js). */
const { S, on, changeView, Ui, Url, G, Scenes, tour, el, button, lab, num, clamp, D } = core;
const bar = document.createDocumentFragment();
