// The print button of a handout: no inline script, so the page keeps a strict Content-Security-Policy.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
