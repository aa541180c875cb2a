/* The information panel an information hotspot opens (a bottom sheet on phones): its title and text, and
   a close button that takes the focus; closing gives the focus back to what had it. */
const panel = el('div', 'tour-panel');
const Panel = (() => {
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'tour-panel-h');
  panel.hidden = true;
  const head = el('h2', 'tour-panel-title');
  head.id = 'tour-panel-h';
  const body = el('div', 'tour-panel-body');
  const closeBtn = button('tour-close', lab('close'), '\u00d7');
  panel.append(closeBtn, head, body);
  let returnFocus = null;

  function open(h) {
    head.textContent = h.title || '';
    body.textContent = '';
    String(h.text || '').split(/\n\s*\n/).forEach(t => {
      t = t.trim();
      if (t) body.append(el('p', '', t));
    });
    if (panel.hidden) returnFocus = document.activeElement;
    panel.hidden = false;
    panel.scrollTop = 0;
    closeBtn.focus();
  }
  function close() {
    if (panel.hidden) return false;
    panel.hidden = true;
    const r = returnFocus;
    returnFocus = null;
    (r && r.isConnected && r !== document.body ? r : tour).focus({ preventScroll: true });
    return true;
  }
  closeBtn.onclick = close;
  return { open, close };
})();
