// Small behaviours that pages do without: move focus to the error summary so a screen-reader
// user hears what went wrong first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
