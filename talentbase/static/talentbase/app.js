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
