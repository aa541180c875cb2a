/* The page around the tour hears of every scene change: a `tour:scene` event on the tour box, with the
   scene's id and how it was reached (start, user, history). narration.js offers each scene's story by it. */
on('scene', how => {
  if (S.scene && window.CustomEvent) tour.dispatchEvent(new CustomEvent('tour:scene', { detail: { id: S.scene.id, how } }));
});
