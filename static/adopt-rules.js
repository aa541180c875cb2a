/* Adds style rules (an array of strings) to the page through the CSS object model, which the content
   policy allows where a <style> element would need 'unsafe-inline': a style sheet of their own where the
   browser can adopt one, else appended to the page's own style sheet for every medium. A rule this browser
   cannot read is left out, as it would be from a style sheet it loads. build.rs writes this function
   into the scripts that name its mark (the viewer's later part, offline.js, narration.js), and their
   rules where they name theirs. */
function adoptRules(rules) {
  const add = sheet => rules.forEach(r => { try { sheet.insertRule(r, sheet.cssRules.length); } catch (e) { /* skip */ } });
  try {
    const own = new CSSStyleSheet();
    add(own);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, own];
    return;
  } catch (e) { /* no constructable style sheets here (Safari before 16.4) */ }
  const page = [...document.styleSheets].filter(s => !s.media.length || s.media.mediaText === 'all').pop();
  try { if (page) add(page); } catch (e) { /* not ours to change: the page keeps its own look */ }
}
