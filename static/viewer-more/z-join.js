/* The controls join the core's group after anything already there (narration.js's play button, when it
   came first): a button on screen never moves under the visitor's finger. */
Ui.bar.append(bar);
