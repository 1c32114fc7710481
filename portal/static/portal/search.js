/* Suggestions while typing: the header search (places and enterprises) and the compare page's place
   picker (chips). Both forms work without this file: the search goes to its results page, the picker's
   text field takes names or codes separated by commas. */
(function () {
  "use strict";

  var STORE = "portal.compare";  // the places of the comparison being built, for the profiles' 加入对比
  var asOf = new URLSearchParams(window.location.search).get("as_of");

  function withAsOf(url) {
    if (!asOf) { return url; }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "as_of=" + encodeURIComponent(asOf);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* A combobox: fetches suggestions for the input's text, shows them in the listbox, moves with the
     arrow keys; ``choose(item)`` is called on Enter or a click. Returns false from ``choose`` to keep
     the default (submitting the form). */
  function Suggest(input, list, url, options) {
    var items = [], active = -1, timer = null, seq = 0;
    var ids = 0;

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (item, i) { item.node.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].node.id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }

    function show(groups) {
      list.innerHTML = ""; items = []; active = -1;
      groups.forEach(function (group) {
        if (!group.items.length) { return; }
        if (group.title) { list.appendChild(el("li", "suggestion-group", group.title)).setAttribute("role", "presentation"); }
        group.items.forEach(function (data) {
          var node = el("li", "suggestion");
          node.id = list.id + "-" + (ids++);
          node.setAttribute("role", "option");
          node.setAttribute("aria-selected", "false");
          node.appendChild(el("span", "suggestion-name", data.label));
          if (data.note) { node.appendChild(el("span", "suggestion-note", data.note)); }
          var item = { node: node, data: data };
          // mousedown, not click: the input keeps focus, so the list is not closed by its blur first.
          node.addEventListener("mousedown", function (event) { event.preventDefault(); options.choose(data); });
          items.push(item);
          list.appendChild(node);
        });
      });
      if (!items.length && options.empty) { list.appendChild(el("li", "suggestion-empty", options.empty)).setAttribute("role", "presentation"); }
      var open = list.children.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function load() {
      var text = input.value.trim();
      if (options.lastPart) { text = text.split(/[,，、;；]/).pop().trim(); }
      if (!text) { close(); return; }
      var mine = ++seq;
      fetch(url + "?" + new URLSearchParams(Object.assign({ q: text }, options.params || {})).toString(),
            { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && mine === seq && document.activeElement === input) { show(options.groups(data)); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 120); });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); options.choose(items[active].data);
      }
    });
    return { close: close };
  }

  function headerSearch(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    Suggest(input, list, form.getAttribute("data-suggest"), {
      groups: function (data) {
        return [
          { title: form.getAttribute("data-msg-places"), items: data.places.map(function (p) {
            return { label: p.name, note: p.parent ? p.kind + " · " + p.parent : p.kind, url: p.url };
          }) },
          { title: form.getAttribute("data-msg-enterprises"), items: data.enterprises.map(function (e) {
            var note = e.former_name ? form.getAttribute("data-msg-former") + " " + e.former_name : e.credit_code;
            return { label: e.name, note: note, url: e.url };
          }) },
          { title: "", items: [{ label: form.getAttribute("data-msg-all"), note: "", url: null }] }
        ];
      },
      choose: function (item) {
        if (item.url) { window.location.href = withAsOf(item.url); } else { form.submit(); }
      }
    });
  }

  function placePicker(form) {
    var input = form.querySelector("input[name=places]");
    var list = form.querySelector("[role=listbox]");
    var chips = form.querySelector("[data-chips]");
    var max = parseInt(form.getAttribute("data-max"), 10) || 4;
    // The chips stand for the places understood; the field keeps only what was not (to be corrected).
    input.value = form.getAttribute("data-pending") || "";

    function codes() {
      return Array.prototype.map.call(chips.querySelectorAll(".chip"), function (c) { return c.getAttribute("data-code"); });
    }

    // The chips changed but the page still shows the places it was opened with: say that 对比 shows them
    // (a visitor who picked three places saw the national column alone and "请输入…" and waited).
    var shown = null;
    var status = form.querySelector("[data-picker-status]");
    function changed() {
      if (!status || shown === null) { return; }
      var now = codes().join(",");
      status.hidden = now === shown;
      var note = document.querySelector(".page-compare .empty-note");
      if (note) { note.hidden = now !== shown && now !== ""; }
    }

    function full() {
      var isFull = codes().length >= max;
      input.placeholder = isFull ? form.getAttribute("data-msg-full") : input.getAttribute("data-placeholder");
      return isFull;
    }

    function addChip(code, name) {
      if (codes().indexOf(code) >= 0 || full()) { return; }
      var chip = el("li", "chip");
      chip.setAttribute("data-code", code);
      chip.appendChild(el("span", "chip-name", name));
      var remove = el("button", "chip-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", form.getAttribute("data-msg-remove") + " " + name);
      chip.appendChild(remove);
      chips.appendChild(chip);
      full();
      changed();
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest(".chip-remove");
      if (!button) { return; }
      button.closest(".chip").remove();
      full();
      changed();
      input.focus();
    });
    input.setAttribute("data-placeholder", input.placeholder);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Backspace" && !input.value && chips.lastElementChild) { chips.lastElementChild.remove(); full(); changed(); }
    });
    var suggest = Suggest(input, list, form.getAttribute("data-suggest"), {
      params: { kind: "places" },
      lastPart: true,
      empty: form.getAttribute("data-msg-none"),
      groups: function (data) {
        // A place already among the chips is not offered again (typing 苏 after 苏州 offered 苏州).
        var chosen = codes();
        return [{ title: "", items: data.places.filter(function (p) { return chosen.indexOf(p.code) < 0; }).map(function (p) {
          // A chip names a city with its province: Suzhou · Jiangsu is not Suzhou · Anhui.
          return { label: p.name, note: p.parent ? p.kind + " · " + p.parent : p.kind, code: p.code, name: p.parent ? p.name + " · " + p.parent : p.name };
        }) }];
      },
      choose: function (item) {
        addChip(item.code, item.name);
        var parts = input.value.split(/[,，、;；]/);
        parts.pop();
        input.value = parts.map(function (s) { return s.trim(); }).filter(Boolean).join(", ");
        suggest.close();
        input.focus();
      }
    });
    form.addEventListener("submit", function () {
      var typed = input.value.trim();
      input.value = codes().concat(typed ? [typed] : []).join(",");
    });
    full();
    shown = codes().join(",");
    try { window.localStorage.setItem(STORE, JSON.stringify(codes())); } catch (e) { /* storage off: no memory */ }
  }

  /* 加入对比 on a profile: the comparison being built (the places of the last compare page) plus this one. */
  function addToCompare(link) {
    var stored = [];
    try { stored = JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { stored = []; }
    var code = link.getAttribute("data-add-compare");
    var places = stored.filter(function (c) { return c !== code; }).slice(-3).concat([code]);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("places", places.join(","));
    link.href = url.pathname + url.search;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-search-box]").forEach(headerSearch);
    document.querySelectorAll("form[data-place-picker]").forEach(placePicker);
    document.querySelectorAll("a[data-add-compare]").forEach(addToCompare);
  });
})();
