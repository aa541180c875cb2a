/* disan home page: "Sort by distance". Asks for the position only when the button is tapped, sorts the
   site cards nearest first and says how far each is; the position never leaves the phone. */
(function () {
  'use strict';
  var box = document.querySelector('.near');
  var list = document.querySelector('.cards');
  if (!box || !list || !navigator.geolocation) return;
  var btn = box.querySelector('.near-btn');
  var status = box.querySelector('.near-status');
  var lang = document.documentElement.lang || 'vi';
  box.hidden = false;

  // Great-circle distance in metres (haversine; the Earth as a sphere is close enough for "how far").
  function metres(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  function far(m) {
    var f = function (x, d) { return x.toLocaleString(lang, { maximumFractionDigits: d }); };
    if (m < 1000) return f(Math.max(10, Math.round(m / 10) * 10), 0) + ' m';
    return f(m / 1000, m < 10000 ? 1 : 0) + ' km';
  }
  function say(key, fill) {
    var s = box.getAttribute('data-' + key) || '';
    return fill == null ? s : s.split('{d}').join(fill);
  }

  function sort(pos) {
    var lat = pos.coords.latitude, lon = pos.coords.longitude;
    var cards = Array.prototype.slice.call(list.querySelectorAll('.card'));
    cards.forEach(function (c) {
      var m = metres(lat, lon, parseFloat(c.getAttribute('data-lat')), parseFloat(c.getAttribute('data-lon')));
      c.setAttribute('data-distance', String(Math.round(m)));
      var p = c.querySelector('.card-distance');
      p.textContent = say(c.hasAttribute('data-approximate') ? 'about' : 'away', far(m));
      p.hidden = false;
    });
    cards.sort(function (a, b) { return a.getAttribute('data-distance') - b.getAttribute('data-distance'); });
    cards.forEach(function (c) { list.append(c); });
    status.textContent = say('sorted');
    btn.disabled = false;
  }

  btn.addEventListener('click', function () {
    btn.disabled = true;
    status.textContent = say('finding');
    navigator.geolocation.getCurrentPosition(sort, function () {
      status.textContent = say('failed');
      btn.disabled = false;
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 });
  });
})();
