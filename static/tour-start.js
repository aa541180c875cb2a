/* The tour page's one inline script, run as the page is parsed, before the viewer: when the address asks
   for a scene other than the first, the box shows that scene's preview instead of the first one's.
   build.rs leaves this comment out and puts the script's hash in the content policy. */
(function(){try{var m=/(?:^#|&)scene=([^&]*)/.exec(location.hash),i=document.querySelector('#tour .tour-preview'),d=JSON.parse(document.getElementById('tour-data').textContent),s=m&&d.scenes.filter(function(x){return x.id===decodeURIComponent(m[1])})[0];if(s&&i&&s.id!==i.getAttribute('data-scene')){i.setAttribute('data-scene',s.id);i.src=s.preview;i.alt=s.title}}catch(e){}})()
