/* Input: drag with one pointer, pinch with two, the wheel, and the keyboard (arrows turn, +/− zoom,
   Escape closes the panel or leaves fullscreen). */
const Input = (() => {
  const ptrs = new Map();
  let pinch = 0, pinchH = 0;
  const spread = () => {
    const [a, b] = [...ptrs.values()];
    return Math.hypot(a[0] - b[0], a[1] - b[1]) || 1;
  };

  function attach(canvas) {
    canvas.addEventListener('pointerdown', e => {
      if (e.button > 0) return;
      try { canvas.setPointerCapture(e.pointerId); } catch (x) { /* ignore */ }
      ptrs.set(e.pointerId, [e.clientX, e.clientY]);
      if (ptrs.size === 2) { pinch = spread(); pinchH = S.view.hfov; }
      Ui.hideHint();
    });
    canvas.addEventListener('pointermove', e => {
      const p = ptrs.get(e.pointerId);
      if (!p) return;
      if (ptrs.size === 1) {             // grab the image: drag right -> look left
        const k = S.view.hfov / S.W;
        changeView({ yaw: S.view.yaw - (e.clientX - p[0]) * k, pitch: S.view.pitch + (e.clientY - p[1]) * k });
      }
      p[0] = e.clientX;
      p[1] = e.clientY;
      if (ptrs.size === 2 && pinch) changeView({ hfov: clamp(pinchH * pinch / spread(), 30, 120) });
    });
    const up = e => {
      ptrs.delete(e.pointerId);
      if (ptrs.size === 2) { pinch = spread(); pinchH = S.view.hfov; } else pinch = 0;
    };
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('wheel', e => {
      e.preventDefault();
      Ui.zoom(Math.exp(e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1) * 0.0015));
    }, { passive: false });
  }

  tour && tour.addEventListener('keydown', e => {
    if (e.key === 'Escape' || e.key === 'Esc') {
      const a = More.api();               // the panel and full screen are the later part's
      if (a) a.escape();
      return;
    }
    if (S.phase === 'static' || e.ctrlKey || e.metaKey || e.altKey || e.target.closest('.tour-panel')) return;
    const s = S.view.hfov / 10;
    const a = { ArrowLeft: [-s, 0], ArrowRight: [s, 0], ArrowUp: [0, s], ArrowDown: [0, -s] }[e.key];
    if (a) { changeView({ yaw: S.view.yaw + a[0], pitch: S.view.pitch + a[1] }); Ui.hideHint(); }
    else if (e.key === '+' || e.key === '=') Ui.zoom(0.85);
    else if (e.key === '-' || e.key === '_') Ui.zoom(1 / 0.85);
    else return;
    e.preventDefault();
  });

  return { attach };
})();
