/* Directions: the page links OpenStreetMap's route planner, which works on every device without script.
   On a phone this swaps in the phone's own maps app: a geo: URI on Android, Apple Maps on iOS. */
(function () {
  var ua = navigator.userAgent || "";
  var ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var android = /Android/i.test(ua);
  var links = document.querySelectorAll("a.directions[data-geo][data-apple]");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    if (android) a.href = a.getAttribute("data-geo");
    else if (ios) a.href = a.getAttribute("data-apple");
    a.setAttribute("data-chosen", android ? "geo" : ios ? "apple" : "osm");
  }
})();
