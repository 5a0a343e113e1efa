// The pages' own behaviour, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts. A control marked data-autosubmit sends its form when it changes
// (through htmx when the form has hx-post); without JavaScript a button does the same.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control instanceof HTMLElement && control.hasAttribute("data-autosubmit") && control.form) {
    control.form.requestSubmit();
  }
});

// A refused form puts its error summary first: it takes the focus, so the person (and a
// screen reader) hears what went wrong, and each line links to its field.
function focusSummary() {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
}
function showVoteFillers() {
  document.querySelectorAll("[data-fill-votes]").forEach(function (button) {
    button.hidden = false;
  });
}
document.addEventListener("DOMContentLoaded", function () {
  focusSummary();
  showVoteFillers();
});
document.addEventListener("htmx:afterSettle", function () {
  focusSummary();
  showVoteFillers();
});

// "Everyone present for": fill every municipality's vote of the form with one choice, and
// switch the form to a vote; the chair can still change a single municipality before sending.
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-fill-votes]") : null;
  if (!button) {
    return;
  }
  var fieldset = button.closest("fieldset");
  fieldset.querySelectorAll("select[name^='vote_']").forEach(function (select) {
    select.value = button.getAttribute("data-fill-votes");
  });
  var byVote = fieldset.querySelector("input[name='mode'][value='votes']");
  if (byVote) {
    byVote.checked = true;
  }
});

// Planning a meeting: once its date is given, propose the submission deadline the body
// usually keeps (the person may change it; left empty, the server proposes the same).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLInputElement) || field.name !== "starts_at" || !field.form) {
    return;
  }
  var deadline = field.form.elements.namedItem("submission_deadline");
  var body = field.form.elements.namedItem("body");
  if (!deadline || deadline.value || !field.value || !body) {
    return;
  }
  var days = {};
  (body.getAttribute("data-deadline-days") || "").split(",").forEach(function (pair) {
    var parts = pair.split(":");
    days[parts[0]] = parseInt(parts[1], 10);
  });
  var lead = days[body.value];
  if (lead === undefined || isNaN(lead)) {
    return;
  }
  var start = new Date(field.value);
  start.setDate(start.getDate() - lead);
  var pad = function (n) { return String(n).padStart(2, "0"); };
  deadline.value = start.getFullYear() + "-" + pad(start.getMonth() + 1) + "-" + pad(start.getDate()) +
    "T" + pad(start.getHours()) + ":" + pad(start.getMinutes());
});

// Recording attendance row by row: after the block comes back, the focus stays on the
// choice just made, so the keyboard goes on from there; a refusal takes it to its summary.
document.addEventListener("htmx:afterSettle", function () {
  var block = document.querySelector("#attendance[data-recorded]");
  if (!block) {
    return;
  }
  var summary = block.querySelector(".errors");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    return;
  }
  var row = block.querySelector("tr[data-person='" + block.getAttribute("data-recorded") + "']");
  var choice = row ? row.querySelector("input[name='status']:checked") : null;
  if (choice) {
    choice.focus();
  }
});
