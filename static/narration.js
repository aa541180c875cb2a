// Reads a site's transcript aloud with the browser's speech synthesis when there is no recording.
(function () {
  var box = document.querySelector('.speak');
  var text = document.getElementById('transcript');
  if (!box || !text || !('speechSynthesis' in window)) return;
  var btn = box.querySelector('.speak-btn');
  var note = box.querySelector('.speak-note');
  var lang = box.getAttribute('data-lang');
  var label = btn.textContent;
  var speaking = false;
  box.hidden = false;
  function voiceFor() {
    var base = lang.split('-')[0];
    return speechSynthesis.getVoices().filter(function (v) { return v.lang.replace('_', '-').split('-')[0] === base; })[0];
  }
  function stop() { speechSynthesis.cancel(); speaking = false; btn.textContent = label; }
  btn.addEventListener('click', function () {
    if (speaking) { stop(); return; }
    var voice = voiceFor();
    if (!voice && speechSynthesis.getVoices().length) { note.textContent = box.getAttribute('data-no-voice'); note.hidden = false; }
    var u = new SpeechSynthesisUtterance(text.textContent);
    u.lang = lang;
    if (voice) u.voice = voice;
    u.onend = u.onerror = stop;
    speechSynthesis.speak(u);
    speaking = true;
    btn.textContent = box.getAttribute('data-stop');
  });
})();
