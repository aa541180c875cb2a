/* The controls join the core's group, before any control another script added meanwhile (narration.js's
   play button), so their order does not depend on which script arrived first. */
Ui.bar.prepend(bar);
