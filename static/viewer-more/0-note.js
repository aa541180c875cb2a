/* A few words for a moment ("Link copied", "Motion sensors are not available"), over the picture and read
   out by screen readers: only the later controls speak, so the note comes with them. It is in the page
   (empty) well before anything is said, as a live region must be. */
const note = el('div', 'tour-note');
note.setAttribute('role', 'status');
tour.append(note);
let noteT = 0;
function say(t) {
  note.textContent = t;
  clearTimeout(noteT);
  noteT = setTimeout(() => { note.textContent = ''; }, 4000);
}
