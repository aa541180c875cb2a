/* Narration on a site page. The page shows one story (the site's, else the first scene's); this script
   offers the story of the scene the visitor is at — from a placard, a link or a hotspot — without starting
   it unasked, unless "play as I go" is on and the visitor has pressed play once. A recording plays in the
   page's <audio> (one element, kept, so a phone that allowed it once allows it again), its captions shown
   under it and over the tour in full screen, the transcript sentence being spoken highlighted. Without a
   recording, the phone's own voice reads the transcript sentence by sentence. Text goes in by textContent.
   The stories (recordings, captions, transcripts of the stories not shown) are a file of their own, named
   by the section's `data-src`, and the controls' words another, shared by every page of the language
   (`data-words`): both are fetched when this script arrives, so the page's first load carries none of
   them. Until they are here, and if they cannot be fetched (no network, site not kept), the page's own
   player and transcript work; a failed fetch is tried again at the next use. */
(() => {
  const box = document.getElementById('narration');
  const urls = box ? [box.getAttribute('data-src'), box.getAttribute('data-words')] : [];
  if (!urls[0] || !urls[1]) return;
  // The controls' look (static/css/narration.css, whose rules build.rs writes here).
  __ADOPT_RULES__;
  adoptRules(__STYLE_RULES__);
  let asked = false;
  const get = url => fetch(url).then(r => (r.ok ? r.json() : Promise.reject(r.status)));
  function load() {
    if (asked) return;
    asked = true;
    Promise.all(urls.map(get)).then(([D, W]) => start(D, W), () => {
      asked = false;
      box.addEventListener('pointerdown', load, { once: true });
      box.addEventListener('focusin', load, { once: true });
    });
  }
  load();

  function start(D, W) {
    const L = W.narration || {};
    const word = (k, lang) => String(L[k] || '').replace('{lang}', lang || W.lang_name || '');
    const tour = document.getElementById('tour');
    const player = box.querySelector('.narr-player');
    const cueEl = box.querySelector('.narr-cue');
    const details = box.querySelector('.transcript');
    const text = box.querySelector('.transcript-text');
    const credit = box.querySelector('.narr-credit');
    const forEl = box.querySelector('.narr-for');
    const synth = 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function' ? window.speechSynthesis : null;
    const mk = (tag, cls, t) => { const e = document.createElement(tag); if (cls) e.className = cls; if (t) e.textContent = t; return e; };
    const entries = [D.site].concat(Object.keys(D.scenes || {}).map(k => D.scenes[k])).filter(Boolean);
    // The story the page shows carries its transcript in the page only: read its sentences from there.
    const onPage = () => Array.prototype.map.call(text.querySelectorAll('p'),
      p => Array.prototype.map.call(p.querySelectorAll('.s'), s => s.textContent));
    entries.forEach(e => { if (e.transcript === 1) e.transcript = onPage(); });
    let cur = entries.filter(e => e.key === box.getAttribute('data-key'))[0] || null;
    let audio = player.querySelector('audio');
    let spans = [];
    let unlocked = false;     // the visitor pressed play once: later stories may start on arrival
    let go = false;           // "play as I go"
    let listen = null;        // the play button among the tour's own controls
    const tourCue = tour ? mk('div', 'tour-cue') : null;
    if (tourCue) { tourCue.setAttribute('aria-hidden', 'true'); tour.append(tourCue); }

    // The sentence being spoken: highlighted in the transcript; as a caption, under the player and over the tour.
    let lit = -1;
    function light(i) {
      if (i === lit) return;
      if (spans[lit]) { spans[lit].classList.remove('s--now'); spans[lit].removeAttribute('aria-current'); }
      lit = i;
      const s = spans[i];
      if (s) {
        s.classList.add('s--now');
        s.setAttribute('aria-current', 'true');
        // Keep the sentence in sight while the visitor reads along, never pull them away from the tour.
        const r = s.getBoundingClientRect(), b = box.getBoundingClientRect();
        const reading = b.top < innerHeight && b.bottom > 0 && !(tour && tour.classList.contains('tour--full'));
        if (reading && details.open && (r.top < 0 || r.bottom > innerHeight)) s.scrollIntoView({ block: 'nearest' });
      }
    }
    function caption(t) {
      cueEl.textContent = t || '';
      cueEl.hidden = !t;
      if (tourCue) tourCue.textContent = t || '';
    }

    // --- A recording: captions follow its time.
    function cueAt(t) {
      const cs = (cur && cur.cues) || [];
      for (let i = 0; i < cs.length; i++) if (t >= cs[i][0] && t < cs[i][1]) return cs[i];
      return null;
    }
    function follow() {
      if (!audio) return;
      const c = cueAt(audio.currentTime);
      caption(c ? c[3] : '');
      if (c) light(c[2]);
    }
    function wire(a) {
      a.addEventListener('timeupdate', follow);
      a.addEventListener('seeked', follow);
      a.addEventListener('play', () => { unlocked = true; speech.stop(); sync(); });
      a.addEventListener('pause', sync);
      a.addEventListener('ended', () => { caption(''); light(-1); sync(); });
    }
    if (audio) wire(audio);

    // --- The phone's voice.
    const speech = (() => {
      let i = 0, on = false, rate = 1, current = null, voice = null;
      const ui = mk('div', 'speak');
      const play = mk('button', 'speak-btn speak-play', word('play'));
      const skip = mk('button', 'speak-btn speak-skip', word('skip'));
      const speedBox = mk('label', 'speak-speed', word('speed') + ' ');
      const speed = mk('select');
      [0.8, 1, 1.25, 1.5].forEach(r => { const o = mk('option', '', r + '×'); o.value = r; o.selected = r === 1; speed.append(o); });
      speedBox.append(speed);
      const note = mk('div', 'speak-note');
      note.setAttribute('role', 'status');
      note.hidden = true;
      play.type = skip.type = 'button';
      skip.disabled = true;
      ui.append(play, skip, speedBox);

      // The best voice for the page's language: exactly its region (vi-VN), then the language alone; a voice
      // on the phone before one that needs the network.
      function pick() {
        const want = String(W.speech_lang || '').toLowerCase(), base = want.split('-')[0];
        let best = null, top = 0;
        (synth.getVoices() || []).forEach(v => {
          const l = String(v.lang || '').replace('_', '-').toLowerCase();
          const s = (l === want ? 4 : l.split('-')[0] === base ? 2 : 0);
          const score = s && s + (v.localService ? 1 : 0);
          if (score > top) { top = score; best = v; }
        });
        return best;
      }
      // Voices arrive late on some phones: wait for them a little before saying there are none.
      function voices(then) {
        if ((synth.getVoices() || []).length) return then(pick());
        let done = false;
        const finish = () => { if (done) return; done = true; synth.removeEventListener && synth.removeEventListener('voiceschanged', finish); then(pick()); };
        if (synth.addEventListener) synth.addEventListener('voiceschanged', finish);
        setTimeout(finish, 1500);
      }
      function say(n) {
        synth.cancel();
        if (n >= spans.length) { light(-1); caption(''); stop(); return; }
        i = n;
        const u = new SpeechSynthesisUtterance(spans[n].textContent);
        u.lang = W.speech_lang;
        if (voice) u.voice = voice;
        u.rate = rate;
        current = u;
        u.onend = () => { if (current === u && on) say(n + 1); };
        u.onerror = e => { if (current === u && on && e && e.error !== 'interrupted' && e.error !== 'canceled') stop(); };
        light(n);
        caption(spans[n].textContent);
        synth.speak(u);
      }
      function start(from) {
        unlocked = true;
        if (audio) audio.pause();
        voices(v => {
          voice = v;
          if (!v) { missing(); return; }
          note.hidden = true;
          on = true;
          play.textContent = word('pause');
          play.setAttribute('aria-pressed', 'true');
          skip.disabled = false;
          say(from);
          sync();
        });
      }
      // Pausing cancels and remembers the sentence (a paused voice does not resume on every phone).
      function stop() {
        on = false;
        current = null;
        if (synth) synth.cancel();
        play.textContent = word(lit >= 0 ? 'resume' : 'play');
        play.setAttribute('aria-pressed', 'false');
        skip.disabled = true;
        sync();
      }
      function missing() {
        note.textContent = '';
        [word('no_voice'), word('android'), word('ios'), word('read_below')].forEach(t => note.append(mk('p', '', t)));
        note.hidden = false;
        caption(word('no_voice'));
        details.hidden = false;
        details.open = true;
      }
      play.onclick = () => (on ? stop() : start(lit >= 0 ? lit : 0));
      skip.onclick = () => { if (on) say(i + 1); };
      speed.onchange = () => { rate = Number(speed.value) || 1; if (on) say(i); };
      function reset() { stop(); i = 0; play.textContent = word('play'); note.hidden = true; }
      return { ui, note, start: () => start(0), stop, reset, speaking: () => on, rate: () => rate };
    })();

    // --- Showing a story.
    function show(e) {
      speech.reset();
      if (audio) audio.pause();
      cur = e;
      box.setAttribute('data-key', e.key);
      forEl.textContent = e.title ? ': ' + e.title : '';
      player.textContent = '';
      if (e.audio) {
        if (!audio) { audio = mk('audio'); audio.controls = true; audio.preload = 'none'; wire(audio); }
        audio.textContent = '';
        audio.src = e.audio;
        if (e.captions) {
          const t = mk('track');
          t.kind = 'captions';
          t.src = e.captions;
          t.srclang = e.lang;
          t.label = W.lang_name || e.lang;
          t.default = true;
          audio.append(t);
        }
        player.append(audio);
      }
      text.textContent = '';
      (e.transcript || []).forEach(p => {
        const para = mk('p');
        p.forEach(s => { para.append(mk('span', 's', s), ' '); });
        text.append(para);
      });
      details.hidden = !e.transcript;
      credit.textContent = e.credit_text || '';
      prepare();
      sync();
    }
    // Controls for what the story has: the phone's voice for a transcript without a recording.
    function prepare() {
      spans = Array.prototype.slice.call(text.querySelectorAll('.s'));
      lit = -1;
      caption('');
      if (cur && !cur.audio && cur.transcript && synth) player.append(speech.ui, speech.note);
    }
    // The tour's play button: pressed while the story plays; hidden when there is nothing to play.
    function sync() {
      if (!listen) return;
      listen.setAttribute('aria-pressed', String(playing()));
      listen.hidden = !cur || !(cur.audio || (cur.transcript && synth));
    }
    function playing() { return (audio && !audio.paused && !audio.ended) || speech.speaking(); }
    function begin() {
      if (cur.audio && audio) { const p = audio.play(); if (p && p.catch) p.catch(() => {}); }
      else if (cur.transcript && synth) speech.start();
    }

    // The story of scene `id`: its own, else the site's. Arriving changes the story offered only when it
    // differs from the one shown; it starts by itself only with "play as I go" after a first press of play.
    function arrive(id, how) {
      const e = (D.scenes && D.scenes[id]) || D.site;
      if (!e || e === cur) return;
      // The visitor already started the page's own story (its player works before this script): keep it.
      if (how === 'start' && playing()) return;
      show(e);
      if (how !== 'start' && go && unlocked) begin();
    }

    // "Play as I go", where the tour has scenes with their own story.
    if (tour && Object.keys(D.scenes || {}).length) {
      const label = mk('label', 'narr-go');
      const box2 = mk('input');
      box2.type = 'checkbox';
      box2.onchange = () => { go = box2.checked; };
      label.append(box2, ' ' + word('go'));
      const hint = mk('p', 'narr-go-hint', word('go_hint'));
      cueEl.after(label, hint);
      tour.addEventListener('tour:scene', ev => { if (ev.detail) arrive(ev.detail.id, ev.detail.how); });
    }
    // A play button among the tour's controls, so the story can be started (and heard with its captions)
    // in full screen too.
    const bar = tour && tour.querySelector('.tour-bar');
    if (bar) {
      listen = mk('button', 'tour-btn tour-listen');
      listen.type = 'button';
      listen.title = word('listen');
      listen.setAttribute('aria-label', word('listen'));
      listen.onclick = () => {
        if (playing()) { if (audio) audio.pause(); speech.stop(); } else { unlocked = true; begin(); }
        sync();
      };
      bar.append(listen);
    }
    prepare();
    sync();
    // The scene the address asks for (a placard's link), before the viewer has shown it.
    const m = /(?:^#|&)scene=([^&]*)/.exec(location.hash);
    const v = window.disanTour && window.disanTour.view();
    const first = (v && v.scene) || (m && decodeURIComponent(m[1]));
    if (first) arrive(first, 'start');

    window.disanNarration = { key: () => cur && cur.key, rate: speech.rate };
  }
})();
