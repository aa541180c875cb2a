/* Hotspots as real buttons — links to other scenes and information points — placed over the canvas
   (or listed under the flat image without WebGL). A hotspot outside
   the view stays in the tab order, unseen; focusing it turns the view to it. */
const Hotspots = (() => {
  const layer = el('div', 'tour-hs');   // over the canvas
  const list = el('ul', 'tour-list');   // without WebGL
  let spots = [];                       // [{b: button, h: hotspot, d: direction}] of the scene shown

  // The information panel is the later part's (viewer-more/6-panel.js): a tap asks for it, and opens the
  // panel when it comes, if the visitor is still at that scene.
  const close = () => { const a = More.api(); return !!a && a.close(); };

  function make(h) {
    const sc = h.type === 'scene';
    const b = button('hs hs-' + (sc ? 'scene' : 'info'), [lab(sc ? 'scene_link' : 'info'), h.title].filter(Boolean).join(': '));
    b.removeAttribute('title');          // the label is on the button itself
    const icon = el('span', 'hs-icon');
    icon.setAttribute('aria-hidden', 'true');
    b.append(icon);
    if (h.title) b.append(el('span', 'hs-label', h.title));
    if (sc) {
      b.dataset.target = h.target;
      b.onclick = () => Scenes.go(S.byId[h.target], null, 'user');
    } else b.onclick = () => { const at = S.scene; More.need(a => { if (S.scene === at && b.isConnected) a.open(h); }); };
    return b;
  }

  on('scene', () => {
    const s = S.scene, flat = S.phase === 'static', box = flat ? list : layer;
    const hadFocus = box.contains(document.activeElement);
    box.textContent = '';
    close();
    spots = (Array.isArray(s.hotspots) ? s.hotspots : [])
      .filter(h => h && ((h.type === 'scene' && S.byId[h.target] && S.byId[h.target] !== s) || h.type === 'info'))
      .map(h => {
        const b = make(h);
        if (flat) { const li = el('li'); li.append(b); box.append(li); } else box.append(b);
        return { b, h, d: dir(num(h.yaw, 0), num(h.pitch, 0)) };
      });
    if (hadFocus) tour.focus({ preventScroll: true });
  });

  // Puts each button over its direction for rotation m and half-angle tangents tx, ty.
  function place(m, tx, ty) {
    spots.forEach(({ b, d }) => {
      const x = m[0] * d[0] + m[1] * d[1] + m[2] * d[2];
      const y = m[3] * d[0] + m[4] * d[1] + m[5] * d[2];
      const z = m[6] * d[0] + m[7] * d[1] + m[8] * d[2];
      const px = (x / z / tx + 1) * S.W / 2, py = (1 - y / z / ty) * S.H / 2;
      const vis = z > 0.01 && px >= 0 && px <= S.W && py >= 0 && py <= S.H;
      b.classList.toggle('hs--off', !vis);   // unseen but focusable, parked mid-view (no scrolling)
      b.style.transform = 'translate(' + (vis ? px : S.W / 2).toFixed(1) + 'px,' + (vis ? py : S.H / 2).toFixed(1) + 'px) translate(-50%,-22px)';
    });
  }
  // A hotspot the keyboard reaches outside the view, or cut by its edge, turns the view to it.
  layer.addEventListener('focusin', e => {
    const s = spots.find(x => x.b === e.target), r = e.target.getBoundingClientRect(), t = tour.getBoundingClientRect();
    if (s && (s.b.classList.contains('hs--off') || r.left < t.left || r.right > t.right || r.top < t.top || r.bottom > t.bottom)) {
      changeView({ yaw: num(s.h.yaw, 0), pitch: num(s.h.pitch, 0) });
    }
  });

  return { layer, list, close, place };
})();
