/* Draws the charts of a page with ECharts from the JSON blocks the server put in it (json_script).
   No data is fetched: every number is already in the page, and in a table beside the chart. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var PALETTE = ["#1d4f91", "#d9480f", "#2b8a3e", "#f08c00", "#7048e8", "#0b7285", "#c2255c", "#5c940d"];
  var charts = [];
  var en = (document.documentElement.lang || "").indexOf("en") === 0;

  function fmt(value, spec) {
    if (value === null || value === undefined) { return "—"; }
    if (spec.percent) { return (value * 100).toFixed(1) + "%"; }
    return Number(value).toLocaleString(en ? "en" : "zh-CN", { maximumFractionDigits: 2 });
  }

  // A label is long when a row of vertical bars could not print it under its bar on a phone.
  function longLabels(categories) {
    return categories.some(function (c) { return String(c).length > (en ? 9 : 4); });
  }

  // The legend of several series: on a phone a plain legend that wraps onto more rows (a scrolling one
  // hides series behind a pager: "1/2"), on a desktop one row. Returns the legend and the rows it takes.
  function legend(names, width, where) {
    var narrow = width < 520;
    var legendOption = { type: narrow ? "plain" : "scroll", left: "center" };
    legendOption[where] = 0;
    if (!narrow) { return { legend: legendOption, rows: 1 }; }
    var rows = 1, used = 0, room = width - 16;
    names.forEach(function (n) {
      var item = 40 + String(n).length * (/[\u4e00-\u9fff]/.test(n) ? 12 : 7);
      if (used && used + item > room) { rows += 1; used = 0; }
      used += item;
    });
    return { legend: legendOption, rows: rows };
  }
  function seriesNames(spec) { return spec.series.map(function (s) { return s.name; }); }

  // Phones: bars with long labels are drawn sideways (the labels wrap beside them), donut labels wrap at
  // the chart's edges, and no text is drawn under 11 px.
  function option(spec, width) {
    var narrow = width < 520;
    if (narrow && (spec.kind === "bar" || spec.kind === "grouped") && !spec.partial && longLabels(spec.categories)) {
      spec = Object.assign({}, spec, { kind: "hbar" });
    }
    var base = {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: en ? "Noto Sans, Helvetica Neue, Arial, Noto Sans CJK SC, sans-serif" : "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", renderMode: "richText", confine: true,
                 valueFormatter: function (v) { return fmt(v, spec); } },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true }
    };
    var valueAxis = { type: "value", axisLabel: { formatter: function (v) { return spec.percent ? Math.round(v * 100) + "%" : v.toLocaleString(); } } };
    var label = { show: true, formatter: function (p) { return fmt(p.value, spec); }, fontSize: 11 };
    if (spec.kind === "pie") {
      var pieLegend = legend(spec.categories, width, "bottom");
      base.legend = pieLegend.legend;
      base.series = [{ type: "pie", radius: narrow ? ["26%", "46%"] : ["38%", "66%"], center: ["50%", pieLegend.rows > 1 ? "40%" : "45%"],
        label: { formatter: function (p) { return p.name + "\n" + fmt(p.value, spec); }, fontSize: 12,
                 alignTo: narrow ? "edge" : "none", edgeDistance: 4, width: narrow ? Math.max(70, width * 0.26) : 160,
                 overflow: "break" },
        labelLine: { length: narrow ? 6 : 15, length2: narrow ? 0 : 15 },
        data: spec.categories.map(function (c, i) {
          // A category's own colour (第1批 is the same colour on every chart), else the palette in order.
          var item = { name: c, value: spec.series[0].values[i] };
          if (spec.colours && spec.colours[i]) { item.itemStyle = { color: spec.colours[i] }; }
          return item;
        }) }];
      return base;
    }
    if (spec.kind === "stacked") {
      // Regions (rows) stacked by series (batches), as the report's charts 3.1 and 3.3.
      base.legend = { top: 0, type: "scroll" };
      base.grid.top = 36;
      base.tooltip.trigger = "axis";
      base.yAxis = { type: "category", data: spec.categories, inverse: true, axisLabel: { interval: 0, width: en ? 190 : 150, overflow: "break" } };
      base.xAxis = valueAxis;
      base.series = spec.series.map(function (s) { return { type: "bar", name: s.name, stack: "total", data: s.values, barMaxWidth: 18 }; });
      return base;
    }
    if (spec.kind === "bubble") {
      // x = first series, y = second, area by the third; the reference lines as dashed mark lines.
      var sizes = spec.series[2].values, biggest = Math.max.apply(null, sizes.concat([1]));
      var lines = spec.lines || [];
      base.tooltip = { trigger: "item", renderMode: "richText", confine: true, formatter: function (p) {
        return p.name + "\n" + spec.series.map(function (s, i) { return s.name + ": " + fmt(p.value[i], spec); }).join("\n"); } };
      base.xAxis = { type: "value", name: spec.series[0].name, nameLocation: "middle", nameGap: 28, scale: true };
      base.yAxis = { type: "value", name: spec.series[1].name, nameLocation: "middle", nameGap: 40 };
      base.grid.bottom = 32;
      var marks = [];
      if (lines[0]) { marks.push({ xAxis: lines[0].value, name: lines[0].name }); }
      if (lines[1]) { marks.push({ yAxis: lines[1].value, name: lines[1].name }); }
      base.series = [{ type: "scatter", name: spec.series[2].name,
        data: spec.categories.map(function (c, i) { return { name: c, value: [spec.series[0].values[i], spec.series[1].values[i], sizes[i]] }; }),
        symbolSize: function (v) { return Math.max(5, 44 * Math.sqrt((v[2] || 0) / biggest)); },
        label: { show: true, position: "right", formatter: function (p) { return p.name; }, fontSize: 11 },
        labelLayout: { hideOverlap: true },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#c0392b" }, label: { position: "insideEndTop", formatter: function (p) { return p.name; } }, data: marks } }];
      return base;
    }
    if (spec.kind === "hbar") {
      var labelWidth = narrow ? Math.max(80, Math.round(width * (en ? 0.36 : 0.34))) : (en ? 190 : 150);
      base.yAxis = { type: "category", data: spec.categories, inverse: true,
                     axisLabel: { width: labelWidth, overflow: "break", interval: 0, fontSize: 12, lineHeight: 14 } };
      // Fewer value ticks on a phone: five numbers like 10,000 do not fit side by side under the bars.
      base.xAxis = Object.assign({}, valueAxis, { splitNumber: narrow ? 3 : 5,
        axisLabel: Object.assign({ hideOverlap: true }, valueAxis.axisLabel) });
      // Several series (the compare page's regions) need their legend sideways too: which colour is which.
      if (spec.series.length > 1) {
        var hbarLegend = legend(seriesNames(spec), width, "top");
        base.legend = hbarLegend.legend;
        base.grid.top = 12 + 24 * hbarLegend.rows;
      }
      base.series = spec.series.map(function (s) { return { type: "bar", name: s.name, data: s.values, label: Object.assign({ position: "right" }, label), barMaxWidth: 18 }; });
      return base;
    }
    var partial = spec.partial;
    var categories = spec.categories.slice();
    // The current year up to the cut-off: labelled "截至7月31日" and drawn lighter, hatched (bars) or dashed
    // (lines), so that a partial year does not read as a fall.
    if (partial) { categories[partial.index] = categories[partial.index] + "\n" + partial.label; }
    // Every category keeps its label: many categories (31 provinces), or years on a phone where ten do not fit
    // side by side, are turned rather than hidden where they overlap.
    // The others wrap within their category's width (eight English industry names at 1366 px were hidden
    // every other one where they overlapped).
    var crowded = categories.length > 12 || (narrow && categories.length * (en ? 40 : 34) > width - 60);
    var slot = Math.max(40, Math.floor((width - 90) / Math.max(1, categories.length)) - 6);
    base.xAxis = { type: "category", data: categories,
                   axisLabel: crowded ? { interval: 0, rotate: 45, fontSize: 11 }
                                      : { interval: 0, width: slot, overflow: "break", lineHeight: 14 } };
    base.yAxis = valueAxis;
    if (spec.series.length > 1) {
      var barLegend = legend(seriesNames(spec), width, "top");
      base.legend = barLegend.legend;
      base.grid.top = 12 + 24 * barLegend.rows;
    }
    base.series = [];
    spec.series.forEach(function (s, n) {
      var color = PALETTE[n % PALETTE.length];
      if (spec.kind === "line") {
        var solid = partial ? s.values.map(function (v, i) { return i < partial.index ? v : null; }) : s.values;
        base.series.push({ type: "line", name: s.name, data: solid, symbolSize: 6, connectNulls: false, color: color });
        if (partial) {
          base.series.push({ type: "line", name: s.name, color: color, symbol: "emptyCircle", symbolSize: 6,
            lineStyle: { type: "dashed" }, tooltip: { show: false },
            data: s.values.map(function (v, i) { return i >= partial.index - 1 ? v : null; }) });
        }
        return;
      }
      var data = s.values.slice();
      if (partial) {
        data[partial.index] = { value: data[partial.index], label: { color: "#5f6b7a" }, itemStyle: { color: color, opacity: 0.45,
          borderColor: color, borderType: "dashed", borderWidth: 1,
          decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: -Math.PI / 4, color: "rgba(255,255,255,0.7)" } } };
      }
      base.series.push({ type: "bar", name: s.name, data: data, barMaxWidth: 36, color: color,
               label: spec.series.length === 1 ? Object.assign({ position: "top" }, label) : { show: false } });
    });
    // Reference lines (the average of all 小巨人 …), labelled at their right end, as the PDF draws them.
    if (spec.lines && base.series.length) {
      base.series[0].markLine = { symbol: "none", silent: true, precision: 2,
        lineStyle: { type: "dashed", color: "#c0392b" },
        label: { position: "insideEndTop", formatter: function (p) { return p.name; } },
        data: spec.lines.map(function (l) { return { name: l.name, yAxis: l.value }; }) };
    }
    // A rate over the bars on its own right-hand axis (the yearly growth of each batch).
    if (spec.trend) {
      var trendSpec = { percent: spec.trend.percent };
      base.yAxis = [valueAxis, { type: "value", position: "right", splitLine: { show: false },
        axisLabel: { formatter: function (v) { return trendSpec.percent ? Math.round(v * 100) + "%" : v.toLocaleString(); } } }];
      base.legend = { top: 0, type: "scroll" };
      base.series.push({ type: "line", name: spec.trend.name, yAxisIndex: 1, data: spec.trend.values, color: "#c0392b",
        symbolSize: 7, connectNulls: false,
        label: { show: true, position: "top", formatter: function (p) { return fmt(p.value, trendSpec); }, fontSize: 11 },
        tooltip: { valueFormatter: function (v) { return fmt(v, trendSpec); } } });
    }
    return base;
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var opts = option(spec, el.clientWidth);
      // Stacked regions (chart 3.1: 31 provinces) need a row of height each.
      if (spec.kind === "stacked") { el.style.height = Math.max(300, 22 * spec.categories.length + 80) + "px"; }
      // Sideways bars need a row each: the chart grows with its categories (labels of two or three lines).
      else if (opts.yAxis && opts.yAxis.type === "category" && el.clientWidth < 520) {
        var rows = spec.categories.length * Math.max(1, spec.series.length);
        el.style.height = Math.max(el.clientHeight, opts.grid.top + 24 + rows * (spec.series.length > 1 ? 22 : 36)) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opts);
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
  }

  // Tables wider than their frame scroll inside it: a hint above ("左右滑动查看") and a fade on the right
  // until the end is reached. Measured again when the window changes width.
  // The hint's words come from the page (base.html translates them on <body>), not from this file.
  var HINT = document.body.getAttribute("data-msg-scroll-hint") || "";
  function frameTables() {
    // Tables that come without a frame (the web report's, an enterprise's designations) get one here.
    document.querySelectorAll("main table.data-table").forEach(function (table) {
      if (table.parentNode.classList.contains("table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (!box.parentNode.classList.contains("table-frame")) {
        var frame = document.createElement("div");
        frame.className = "table-frame";
        var hint = document.createElement("p");
        hint.className = "table-scroll-hint";
        hint.textContent = HINT;
        hint.hidden = true;
        box.parentNode.insertBefore(hint, box);
        box.parentNode.insertBefore(frame, box);
        frame.appendChild(box);
        box.addEventListener("scroll", function () { edge(box); }, { passive: true });
      }
      edge(box);
    });
  }
  function edge(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("scrolls", scrolls);
    box.classList.toggle("at-end", scrolls && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    if (scrolls) { box.setAttribute("tabindex", "0"); } else { box.removeAttribute("tabindex"); }
    box.parentNode.previousSibling.hidden = !scrolls;
  }

  function resize() { charts.forEach(function (c) { c.resize(); }); frameTables(); }

  // Printing: open every chart's data table, so the numbers are on paper too; close them afterwards.
  // The charts are not redrawn: the print stylesheet scales the screen drawing to the paper's width.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-data:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; }); opened = [];
  });
  window.addEventListener("resize", resize);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
    draw();
    frameTables();
    // A table inside a closed "数据表" is measured when it is opened.
    document.querySelectorAll("details").forEach(function (d) { d.addEventListener("toggle", frameTables); });
  });
})();
