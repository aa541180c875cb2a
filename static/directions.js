/* Directions: the page links OpenStreetMap's route planner, which works on every device without script.
   On a phone this swaps in the phone's own maps app, made from the link's coordinates and place name: a
   geo: URI (RFC 5870, with the query form Android's map apps read as "a marked place called …") on
   Android, Apple Maps with `daddr` (a route from where the phone is) on iOS. */
(function () {
  var ua = navigator.userAgent || "";
  var ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var android = /Android/i.test(ua);
  // Everything but RFC 3986's unreserved characters, brackets too (they end the geo: label).
  var enc = function (s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
  };
  var links = document.querySelectorAll("a.directions[data-lat][data-lon]");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    var at = a.getAttribute("data-lat") + "," + a.getAttribute("data-lon");
    var name = enc(a.getAttribute("data-name") || "");
    if (android) a.href = "geo:" + at + "?q=" + at + "(" + name + ")";
    else if (ios) a.href = "https://maps.apple.com/?daddr=" + at + "&q=" + name;
    a.setAttribute("data-chosen", android ? "geo" : ios ? "apple" : "osm");
  }
})();
