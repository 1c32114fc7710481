// The import form shows the fields of the chosen kind of file only (data-kind on a row: the kind it
// applies to). Without JavaScript every field stays visible, each with its help text.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) {
    return;
  }
  function update() {
    var checked = form.querySelector('input[name="kind"]:checked');
    var kind = checked ? checked.value : "";
    form.querySelectorAll(".form-row[data-kind]").forEach(function (row) {
      row.hidden = row.getAttribute("data-kind") !== kind;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      update();
    }
  });
  update();
})();
