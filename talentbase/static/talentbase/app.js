// Larger text on demand (适老化): remembered in this browser. Runs in <head> to avoid a flash.
(function () {
  var key = "talentbase-large-text";
  if (localStorage.getItem(key) === "1") document.documentElement.classList.add("large-text");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-large-text-toggle]").forEach(function (button) {
      var on = document.documentElement.classList.contains("large-text");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.addEventListener("click", function () {
        var now = document.documentElement.classList.toggle("large-text");
        localStorage.setItem(key, now ? "1" : "0");
        button.setAttribute("aria-pressed", now ? "true" : "false");
      });
    });
  });
})();
// A field shown only for one choice of a radio group: data-show-when="kind=wrong" on its input hides the
// field's block for the other choices (without scripts every field stays shown, and the server decides).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-show-when]").forEach(function (input) {
    var rule = input.getAttribute("data-show-when").split("="), name = rule[0], value = rule[1];
    var form = input.form, box = input.closest(".mb-3") || input;
    if (!form) return;
    function update() {
      var chosen = form.querySelector('[name="' + name + '"]:checked');
      box.hidden = !(chosen && chosen.value === value);
    }
    form.querySelectorAll('[name="' + name + '"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
});
