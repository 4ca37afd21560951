/* Event form: show only the date fields of the chosen precision.
   Progressive enhancement — without this script every date field shows, grouped in fieldsets
   whose legends say which to fill. Hidden fields keep their values; the server ignores those the
   precision does not use. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-precision-form]");
  if (!form) return;
  var select = form.querySelector("select[name=precision]");
  if (!select) return;

  function update() {
    var chosen = select.value;
    form.querySelectorAll(".field[data-precisions]").forEach(function (field) {
      var uses = field.getAttribute("data-precisions").split(" ");
      field.hidden = uses.indexOf(chosen) === -1;
    });
    form.querySelectorAll("fieldset.date-group").forEach(function (group) {
      var shown = group.querySelectorAll(".field[data-precisions]:not([hidden])").length;
      group.hidden = shown === 0;
      var help = group.querySelector(".date-group-help");
      if (help) help.hidden = true; // the chosen precision already says which fields to fill
    });
  }

  select.addEventListener("change", update);
  update();
})();
