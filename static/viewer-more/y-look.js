/* The controls' look (controls.css beside these files; build.rs writes its rules here): added just before
   the controls join the page, so the first view never waits for it and the controls never show unstyled.
   Through the CSS object model, which the content policy allows where a <style> element would need
   'unsafe-inline': a style sheet of their own where the browser can adopt one, else the rules appended to
   the page's own style sheet for every medium. */
(() => {
  const rules = __VIEWER_MORE_CSS__;
  // A rule this browser cannot read is left out, as it would be from a style sheet it loads.
  const add = sheet => rules.forEach(r => { try { sheet.insertRule(r, sheet.cssRules.length); } catch (e) { /* skip */ } });
  try {
    const own = new CSSStyleSheet();
    add(own);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, own];
    return;
  } catch (e) { /* no constructable style sheets here (Safari before 16.4) */ }
  const page = [...document.styleSheets].filter(s => !s.media.length || s.media.mediaText === 'all').pop();
  try { if (page) add(page); } catch (e) { /* not ours to change: the controls keep the page's button look */ }
})();
