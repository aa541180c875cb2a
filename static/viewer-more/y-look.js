/* The look of what this part adds (controls.css beside these files; build.rs writes its rules here):
   added just before the controls join the page, so the first view never waits for it and the controls
   never show unstyled. */
__ADOPT_RULES__;
adoptRules(__STYLE_RULES__);
