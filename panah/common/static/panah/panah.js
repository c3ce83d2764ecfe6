// Small behaviours that pages do without: move focus to the error summary so a screen-reader
// user hears what went wrong first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// A table wider than the screen scrolls inside its own box (panah.css). While it does, the table takes
// keyboard focus, so that it can be scrolled with the arrow keys (WCAG 2.1.1; the arrow keys scroll the
// focused element's nearest scrolling box, the table or the .table-scroll around it). Chromium and Firefox
// make a scrolling box focusable of their own accord, Safari does not. Once the table fits again it leaves
// the tab order, so a wide screen has no needless stops. Done again when the window is resized and when
// htmx brings new content.
(function () {
  function scrolls(box) {
    var overflow = getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
  }
  function keyboardScroll() {
    document.querySelectorAll("main table").forEach(function (table) {
      var box = table.parentElement;
      var wide = scrolls(table) || (box.classList.contains("table-scroll") && scrolls(box));
      if (wide && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      } else if (!wide && table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  var pending = null;
  function later() {
    if (pending === null) { pending = window.requestAnimationFrame(function () { pending = null; keyboardScroll(); }); }
  }
  document.addEventListener("DOMContentLoaded", keyboardScroll);
  document.addEventListener("htmx:load", later);
  window.addEventListener("resize", later);
})();
