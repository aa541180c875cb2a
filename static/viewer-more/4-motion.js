/* Motion control: look around by moving the phone. The button shows once a first sensor reading arrives,
   or at once where the browser asks permission first (iOS 13+: requestPermission, called from the tap).
   The phone's heading turns the view from where it was (a drag, a key or the compass moves that starting
   point, so they still pan) and its tilt sets the pitch; readings are smoothed frame by frame. A tap on
   the picture or on the button turns it off; a refusal or a missing sensor says so, and the drag works. */
(() => {
  const DOE = window.DeviceOrientationEvent;
  if (!DOE || !tour) return;
  const b = button('tour-btn tour-motion', lab('motion'));
  b.setAttribute('aria-pressed', 'false');
  bar.append(b);
  const ask = typeof DOE.requestPermission === 'function';
  let live = false, got = null, sm = null, off = 0, raf = 0, down = null;
  b.hidden = !ask;
  const probe = e => {
    if (e.beta == null) return;
    b.hidden = false;
    removeEventListener('deviceorientation', probe);
  };
  if (!ask) addEventListener('deviceorientation', probe);

  // Heading (degrees clockwise) and pitch of the direction the phone's back faces, from the W3C angles
  // (Z-X'-Y'': alpha, beta, gamma) turning phone axes into earth axes (x east, y north, z up). Looking
  // steeply up or down, the heading comes from the screen's top edge, which depends on its rotation.
  function read(e) {
    const a = num(e.alpha, 0) * D, t = num(e.beta, 0) * D, g = num(e.gamma, 0) * D;
    const so = screen.orientation, r = (so ? so.angle : num(window.orientation, 0)) * D;
    const rot = (x, y, z) => {
      [x, z] = [Math.cos(g) * x + Math.sin(g) * z, Math.cos(g) * z - Math.sin(g) * x];
      [y, z] = [Math.cos(t) * y - Math.sin(t) * z, Math.sin(t) * y + Math.cos(t) * z];
      return [Math.cos(a) * x - Math.sin(a) * y, Math.sin(a) * x + Math.cos(a) * y, z];
    };
    const f = rot(0, 0, -1), u = rot(Math.sin(r), Math.cos(r), 0);
    const p = Math.asin(clamp(f[2], -1, 1)), c = Math.cos(p), s = Math.sin(p);
    return { yaw: Math.atan2(f[0] * c - u[0] * s, f[1] * c - u[1] * s) / D, pitch: p / D };
  }
  const wrap = x => ((x % 360) + 540) % 360 - 180;

  function frame() {
    raf = 0;
    if (!live || !got) return;
    if (sm) {
      sm.yaw += wrap(got.yaw - sm.yaw) * 0.3;
      sm.pitch += (got.pitch - sm.pitch) * 0.3;
    } else {
      sm = Object.assign({}, got);
      off = S.view.yaw - sm.yaw;
    }
    changeView({ yaw: sm.yaw + off, pitch: sm.pitch }, 'motion');
    if (Math.abs(wrap(got.yaw - sm.yaw)) + Math.abs(got.pitch - sm.pitch) > 0.05) raf = requestAnimationFrame(frame);
  }
  function feel(e) {
    if (e.beta == null) { stop(); say(lab('no_motion')); return; }
    got = read(e);
    if (!raf) raf = requestAnimationFrame(frame);
  }
  on('view', how => { if (live && sm && how !== 'motion') off = S.view.yaw - sm.yaw; });

  function start() {
    live = true;
    got = sm = null;
    addEventListener('deviceorientation', feel);
    b.setAttribute('aria-pressed', 'true');
    Ui.hideHint();
  }
  function stop() {
    live = false;
    removeEventListener('deviceorientation', feel);
    cancelAnimationFrame(raf);
    raf = 0;
    b.setAttribute('aria-pressed', 'false');
  }
  const deny = () => say(lab('no_motion'));
  b.onclick = () => {
    if (live) stop();
    else if (ask) DOE.requestPermission().then(r => (r === 'granted' ? start() : deny()), deny);
    else start();
  };

  // A tap (not a drag) on the picture turns it off.
  G.canvas.addEventListener('pointerdown', e => { down = live && [e.clientX, e.clientY, e.timeStamp]; });
  G.canvas.addEventListener('pointerup', e => {
    if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) < 8 && e.timeStamp - down[2] < 500) stop();
    down = null;
  });
})();
