// Small behaviours that need no inline script (the CSP forbids it).
document.addEventListener("change", function (event) {
  var el = event.target;
  // A filter form submits itself when a select changes.
  if (el.matches("form[data-autosubmit] select")) {
    el.form.requestSubmit();
  }
});

// A form marked data-once is sent once: a double click on upload or save does one thing. The pressed
// button's name and value go along in a hidden field, since a disabled button is left out of the form.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("form[data-once]")) {
    return;
  }
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  var button = event.submitter;
  if (button && button.name) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = button.name;
    field.value = button.value;
    form.appendChild(field);
  }
  form.querySelectorAll("button[type=submit]").forEach(function (b) {
    b.disabled = true;
  });
  if (button) {
    button.setAttribute("aria-busy", "true");
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm ms-2";
    spinner.setAttribute("role", "status");
    button.appendChild(spinner);
  }
});
