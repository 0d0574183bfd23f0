// Parallax: a little plain JavaScript where it helps. Every page works
// without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "/" jumps to the search box, as on many sites, unless one is typing.
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const box = document.getElementById("site-q");
      if (box) {
        e.preventDefault();
        box.focus();
        box.select();
      }
    }
  });

  // Forms that change the clustering ask first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) {
        e.preventDefault();
      }
    });
  }
});
