/* The compass: its needle points north (a scene's `north` is the yaw that faces north) and turns with the
   view; a tap faces north. */
(() => {
  const b = button('tour-btn tour-compass', lab('north'));
  const n = el('span', 'tour-needle');
  b.append(n);
  Ui.bar.append(b);
  const north = () => num(S.scene && S.scene.north, 0);
  on('view', () => { n.style.transform = 'rotate(' + (north() - S.view.yaw).toFixed(1) + 'deg)'; });
  b.onclick = () => changeView({ yaw: north() });
})();
