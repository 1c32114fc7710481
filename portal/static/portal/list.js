/* The enterprise list's filters: the city list follows the ticked provinces, one drop-down open at a time.
   Without JavaScript the drop-downs are plain <details> and the cities follow the provinces after 筛选. */
(function () {
  "use strict";

  function followProvinces(form) {
    var ticked = {};
    var any = false;
    form.querySelectorAll('input[name="province"]:checked').forEach(function (box) { ticked[box.value] = true; any = true; });
    form.querySelectorAll('[data-filter="city"] label[data-province]').forEach(function (label) {
      var box = label.querySelector("input");
      label.hidden = any && !ticked[label.getAttribute("data-province")] && !box.checked;
    });
  }

  // The number of ticked values beside a drop-down's name, as the server renders it after 筛选.
  function countChosen(drop) {
    var n = drop.querySelectorAll("input:checked").length;
    var badge = drop.querySelector("summary .chosen");
    if (!badge && n) {
      badge = document.createElement("span");
      badge.className = "chosen";
      drop.querySelector("summary").append(" ", badge);
    }
    if (badge) { badge.textContent = n; badge.hidden = !n; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.filters");
    if (!form) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.name === "province") { followProvinces(form); }
      var drop = event.target.closest("details.filter-drop");
      if (drop) { countChosen(drop); }
    });
    var drops = form.querySelectorAll("details.filter-drop");
    drops.forEach(function (drop) {
      drop.addEventListener("toggle", function () {
        if (!drop.open) { return; }
        drops.forEach(function (other) { if (other !== drop) { other.open = false; } });
      });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest("details.filter-drop")) { drops.forEach(function (d) { d.open = false; }); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { drops.forEach(function (d) { d.open = false; }); }
    });
  });
})();
