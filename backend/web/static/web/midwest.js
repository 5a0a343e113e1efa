// The pages' own behaviour, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts. A control marked data-autosubmit sends its form when it changes
// (through htmx when the form has hx-post); without JavaScript a button does the same.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control instanceof HTMLElement && control.hasAttribute("data-autosubmit") && control.form) {
    control.form.requestSubmit();
  }
});
