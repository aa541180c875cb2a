/* Share: the phone's share sheet (Web Share) with the address of this scene and view; without it, the
   address is copied and a note says so (or shows the address, where copying is not allowed). */
(() => {
  const b = button('tour-btn tour-share', lab('share'));
  bar.append(b);
  b.onclick = () => {
    if (!S.scene) return;
    const url = location.href.replace(/#.*$/, '') + Url.current(), showUrl = () => say(url);
    const copy = () => (navigator.clipboard ? navigator.clipboard.writeText(url).then(() => say(lab('copied')), showUrl) : showUrl());
    if (typeof navigator.share === 'function') {
      navigator.share({ title: document.title, url }).catch(e => { if (!e || e.name !== 'AbortError') copy(); });
    } else copy();
  };
})();
