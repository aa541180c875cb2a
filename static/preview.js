/* disan editors' preview — loaded only by pages that `disan serve --watch` builds.
   1. Live reload: waits on /_/preview/status; reloads once a rebuild has finished, and when a rebuild
      fails keeps the last good page and shows the error (file, line, message) over it.
   2. Hotspot picker: a click (not a drag) in the 360° view shows that point's yaw/pitch and YAML
      snippets — an information point, a link to another scene, the scene's initial view — to copy. */
(function () {
  'use strict';
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };

  // ---- live reload and the error overlay ----
  const overlay = el('section', 'pv-error');
  overlay.hidden = true;
  overlay.setAttribute('role', 'alert');
  const report = el('pre', 'pv-error-text');
  overlay.append(
    el('h2', 'pv-error-title', 'Lỗi khi dựng lại trang · The rebuild failed'),
    el('p', 'pv-error-note', 'Trang vẫn hiện bản tốt gần nhất. Sửa tệp rồi lưu lại. · ' +
      'This page shows the last good build. Fix the file and save it again.'),
    report);
  document.body.append(overlay);

  let generation = null;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  async function watch() {
    for (;;) {
      let s;
      try {
        const q = generation === null ? '' : '?after=' + generation;
        const r = await fetch('/_/preview/status' + q, { cache: 'no-store' });
        if (!r.ok) throw new Error('status ' + r.status);
        s = await r.json();
      } catch (e) {               // the server is restarting or gone: try again shortly
        await sleep(1500);
        continue;
      }
      if (generation !== null && s.generation !== generation && s.ok) {
        location.reload();
        return;
      }
      generation = s.generation;
      report.textContent = s.ok ? '' : s.report;
      overlay.hidden = !!s.ok;
      overlay.dataset.generation = s.generation;
    }
  }
  watch();

  // ---- hotspot picker ----
  const tour = document.getElementById('tour');
  const dataEl = document.getElementById('tour-data');
  if (!tour || !dataEl) return;
  let data;
  try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
  const scenes = data.scenes || [];

  const panel = el('section', 'pv-pick');
  panel.setAttribute('aria-label', 'Chọn điểm · Point picker');
  const head = el('p', 'pv-pick-head', 'Bấm vào ảnh để lấy toạ độ · Click the panorama to get a point');
  const centre = el('button', 'pv-btn', 'Tâm khung nhìn · Centre of the view');
  centre.type = 'button';
  const out = el('div', 'pv-snippets');
  panel.append(head, centre, out);
  tour.after(panel);

  const r1 = x => Math.round(x * 10) / 10;
  function snippet(title, text) {
    const box = el('div', 'pv-snippet');
    const pre = el('pre', 'pv-code', text);
    const copy = el('button', 'pv-btn pv-copy', 'Chép · Copy');
    copy.type = 'button';
    copy.onclick = () => {
      const done = () => { copy.textContent = 'Đã chép · Copied'; setTimeout(() => { copy.textContent = 'Chép · Copy'; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, () => select(pre));
      else select(pre);
    };
    box.append(el('h3', 'pv-snippet-title', title), pre, copy);
    return box;
  }
  function select(node) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function show(point) {
    const v = window.disanTour && window.disanTour.view();
    if (!v) return;
    const here = v.scene;
    const yaw = r1(point.yaw), pitch = r1(point.pitch);
    const other = (scenes.find(s => s.id !== here) || {}).id || 'id-cua-canh-khac';
    head.textContent = 'Cảnh · Scene ' + here + ' — yaw ' + yaw + ', pitch ' + pitch;
    head.dataset.yaw = yaw;
    head.dataset.pitch = pitch;
    out.replaceChildren(
      snippet('Điểm thông tin · Information point (dán dưới hotspots: · paste under hotspots:)',
        '      - type: info\n        yaw: ' + yaw + '\n        pitch: ' + pitch +
        '\n        title:\n          vi: "Tên điểm"\n          en: "Name of the point"' +
        '\n        text:\n          vi: "Nội dung"\n          en: "What visitors read"\n'),
      snippet('Lối sang cảnh khác · Link to another scene',
        '      - type: scene\n        target: ' + other + '\n        yaw: ' + yaw + '\n        pitch: ' + pitch +
        '\n        title:\n          vi: "Sang cảnh bên"\n          en: "To the next scene"\n'),
      snippet('Hướng nhìn ban đầu của cảnh · Initial view of the scene (thay yaw/pitch/hfov · replaces them)',
        '    yaw: ' + r1(v.yaw) + '\n    pitch: ' + r1(v.pitch) + '\n    hfov: ' + Math.round(v.hfov) + '\n'));
  }

  // A click is a press and release within a few pixels; anything longer was a drag to look around.
  let down = null;
  tour.addEventListener('pointerdown', e => {
    down = e.target instanceof HTMLCanvasElement ? [e.clientX, e.clientY] : null;
  }, true);
  tour.addEventListener('pointerup', e => {
    if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
    down = null;
    const p = window.disanTour && window.disanTour.at(e.clientX, e.clientY);
    if (p) show(p);
  }, true);
  centre.onclick = () => {
    const v = window.disanTour && window.disanTour.view();
    if (v) show(v);
  };
})();
