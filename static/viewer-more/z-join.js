/* The controls join the core's group after anything already there (narration.js's play button, when it
   came first): a button on screen never moves under the visitor's finger. Without WebGL none of them
   shows. Returned: what the core calls in this part. */
if (S.phase !== 'static') {
  Ui.bar.append(bar);
  tour.append(ctrl);
}
tour.append(panel);
return {
  open: Panel.open,
  close: Panel.close,
  escape: () => Panel.close() || leaveFull(),
  flat
};
