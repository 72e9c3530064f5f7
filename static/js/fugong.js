// Small behaviours that need no inline script (the CSP forbids it).
document.addEventListener("change", function (event) {
  var el = event.target;
  // A filter form submits itself when a select changes.
  if (el.matches("form[data-autosubmit] select")) {
    el.form.requestSubmit();
  }
});
