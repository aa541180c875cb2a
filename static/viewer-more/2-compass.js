/* The compass: its needle points north (a scene's `north` is the yaw that faces north) and turns with the
   view (set at once too: the view was drawn before this script came); a tap faces north. */
(() => {
  const b = button('tour-btn tour-compass', lab('north'));
  const n = el('span', 'tour-needle');
  b.append(n);
  bar.append(b);
  const north = () => num(S.scene && S.scene.north, 0);
  const turn = () => { n.style.transform = 'rotate(' + (north() - S.view.yaw).toFixed(1) + 'deg)'; };
  on('view', turn);
  turn();
  b.onclick = () => changeView({ yaw: north() });
})();
