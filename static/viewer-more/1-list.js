/* The scene list: a button that opens a strip of every scene, each its preview and title. Choosing one
   opens it as a hotspot does (with its own history entry). Arrow keys move along the strip; Escape, or
   choosing, closes it. */
(() => {
  const all = S.first ? S.data.scenes.filter(s => s && S.byId[s.id] === s) : [];
  if (all.length < 2) return;
  const b = button('tour-btn tour-scenes', lab('scenes'));
  const strip = el('ul', 'tour-strip');
  strip.id = 'tour-strip';
  strip.setAttribute('aria-label', lab('scenes'));
  strip.hidden = true;
  b.setAttribute('aria-controls', strip.id);
  b.setAttribute('aria-expanded', 'false');
  bar.append(b, strip);
  let items = [];

  const mark = () => items.forEach((x, i) => x.setAttribute('aria-current', String(all[i] === S.scene)));
  function open(yes) {
    strip.hidden = !yes;
    b.setAttribute('aria-expanded', String(yes));
    Ui.hideHint();
    if (yes && !items.length) {
      items = all.map(s => {
        const it = button('tour-sc'), li = el('li'), im = el('img');
        im.alt = '';
        if (typeof s.preview === 'string') im.src = s.preview;
        it.append(im, el('span', '', s.title || s.id));
        it.onclick = () => { open(false); b.focus({ preventScroll: true }); Scenes.go(s, null, 'user'); };
        li.append(it);
        strip.append(li);
        return it;
      });
    }
    mark();
    const c = items[all.indexOf(S.scene)];
    if (yes && c) c.focus({ preventScroll: true });
  }
  b.onclick = () => open(strip.hidden);
  on('scene', mark);

  strip.addEventListener('keydown', e => {
    const i = items.indexOf(document.activeElement), d = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[e.key];
    if (e.key === 'Escape' || e.key === 'Esc') { open(false); b.focus(); }
    else if (d && i >= 0) items[(i + d + items.length) % items.length].focus();
    else return;
    e.preventDefault();
    e.stopPropagation();                 // not the view's arrow keys, nor its Escape
  });
})();
