/* Without WebGL, or when the first panorama could not be drawn: the scene's flat panorama in a box that
   scrolls sideways, turned to the view, with a line that says why and the hotspots as buttons below it.
   The core has taken its canvas away and shows the page's preview until this replaces it. */
function flat(s, v, how, title) {
  if (tour.classList.contains('tour--static')) return;
  [ctrl, Ui.bar].forEach(e => e.remove());
  if (Ui.pageImage) Ui.pageImage.remove();
  tour.classList.add('tour--static');
  const scroller = el('div', 'tour-scroll');
  const img = el('img', 'tour-flat');
  img.width = 2048;
  img.height = 1024;
  scroller.append(img);
  tour.insertBefore(scroller, title);
  tour.insertBefore(el('p', 'tour-msg', lab('no_webgl')), panel);
  tour.insertBefore(Hotspots.list, panel);
  const turn = () => { scroller.scrollLeft = (S.view.yaw + 180) / 360 * scroller.scrollWidth - scroller.clientWidth / 2; };
  on('scene', () => {
    if (img.getAttribute('src') !== S.scene.panorama) img.src = S.scene.panorama;
    img.alt = S.scene.title || '';
  });
  on('view', () => { if (img.complete && img.naturalWidth) turn(); else img.addEventListener('load', turn, { once: true }); });
  setScene(s, v, how);
}
