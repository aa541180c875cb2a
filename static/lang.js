// Sends a visitor who reached an address without a language to the page in their browser's language, on
// hosts that serve plain files (the host itself answers by Accept-Language). On a language choice page
// (the home address, a placard's page) it goes to the choice in the visitor's language at once; the page
// lists the same choices as links for visitors without JavaScript. On the "not found" page it lower-cases
// a placard address typed in capitals and adds the language to a site address given without one. It runs
// in the page's head, before anything is drawn, and reads everything from its own data attributes:
// `data-langs` (the collection's languages, default first), `data-choices` (`lang url` pairs) and
// `data-sites` (site addresses).
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me) return;
  var words = function (name) {
    return (me.getAttribute(name) || '').split(' ').filter(Boolean);
  };
  var langs = words('data-langs');
  if (!langs.length) return;

  // The first of the visitor's languages that the collection has (`en-US` counts as `en`), else the default.
  function best() {
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < prefs.length; i++) {
      var tag = String(prefs[i] || '').toLowerCase();
      for (var j = 0; j < langs.length; j++) {
        var l = langs[j].toLowerCase();
        if (tag === l || tag.indexOf(l + '-') === 0) return langs[j];
      }
    }
    return langs[0];
  }
  var lang = best();

  // A choice page: `lang url` pairs, one per language.
  var choices = words('data-choices');
  for (var k = 0; k + 1 < choices.length; k += 2) {
    if (choices[k] === lang) {
      location.replace(choices[k + 1]);
      return;
    }
  }

  var path = location.pathname;
  var lower = path.toLowerCase();
  if (/^\/q\/[^/]+\/?$/.test(lower) && lower !== path) {
    location.replace(lower + location.search);
    return;
  }
  var first = path.split('/')[1] || '';
  if (first && words('data-sites').indexOf(first) >= 0) {
    var rest = path === '/' + first ? path + '/' : path;
    location.replace('/' + lang + rest + location.search + location.hash);
  }
})();
