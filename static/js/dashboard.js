// The dashboard's charts (ECharts) and the brief's copy button. Figures come computed from the
// server in a JSON script element; nothing here adds them up.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    var done = function () { button.textContent = button.getAttribute("data-copied"); };
    var fallback = function () { source.select(); document.execCommand("copy"); done(); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, fallback);
    } else {
      fallback();
    }
  });

  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(holder.textContent);
  var charts = [];
  var RATES = ["resumption_rate", "on_duty_rate", "capacity_recovery", "reporting_rate"];

  function shown(key, value) {
    if (value === null || value === undefined) return "—";
    return RATES.indexOf(key) >= 0 ? value.toFixed(1) + "%" : value.toLocaleString();
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  var trendElement = document.getElementById("trend-chart");
  if (trendElement) {
    var trend = echarts.init(trendElement);
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return shown("resumption_rate", v); } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 44, right: 16, top: 40, bottom: 28 },
      xAxis: { type: "category", data: data.trend.days.map(function (d) { return d.slice(5); }) },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: RATES.map(function (key) {
        return { name: data.trend.labels[key], type: "line", smooth: true, data: data.trend.series[key] };
      })
    });
    charts.push(trend);
  }

  var mapElement = document.getElementById("map-chart");
  var select = document.getElementById("map-kpi");
  if (mapElement && select && data.leagues.length && echarts.getMap("内蒙古")) {
    var map = echarts.init(mapElement);
    var draw = function () {
      var key = select.value;
      var label = select.options[select.selectedIndex].text;
      var points = data.leagues.map(function (l) {
        return { name: l.map_name, value: l.values[key], code: l.code, label: l.name };
      });
      var values = points.map(function (p) { return p.value; }).filter(function (v) { return v !== null; });
      map.setOption({
        animation: false,
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var value = shown(key, p.data ? p.data.value : null);
            // "label: value" in the page's language: "复产率：65.0%" in Chinese.
            return escape(p.data ? p.data.label : p.name) + "<br>" +
              escape(data.text.tooltip.replace("%(label)s", label).replace("%(value)s", value));
          }
        },
        visualMap: {
          min: values.length ? Math.floor(Math.min.apply(null, values)) : 0,
          max: values.length ? Math.ceil(Math.max.apply(null, values)) : 1,
          left: 0, bottom: 0, calculable: true, itemHeight: 90,
          // The legend names its measure and unit ("复产率（%）") above the scale.
          text: [data.text.legend[key] || label, ""], textGap: 6,
          formatter: function (v) { return shown(key, RATES.indexOf(key) >= 0 ? v : Math.round(v)); },
          inRange: { color: ["#fbe3e3", "#f7c46c", "#2fb344"] }
        },
        series: [{
          type: "map", map: "内蒙古", data: points, selectedMode: false,
          // Each league is named on the map; the names of the smaller ones shrink on a phone.
          label: { show: true, fontSize: mapElement.clientWidth < 500 ? 9 : 11, color: "#1d273b",
            formatter: function (p) { return p.data ? p.data.label : p.name; } },
          emphasis: { label: { show: true, fontWeight: "bold", formatter: function (p) { return p.data ? p.data.label : p.name; } } }
        }]
      }, true);
    };
    select.addEventListener("change", function () {
      draw();
      var url = new URL(window.location.href);
      url.searchParams.set("map", select.value);
      window.history.replaceState(null, "", url);
    });
    // Clicking a league opens that league's dashboard, same date and filters.
    map.on("click", function (p) {
      if (p.data && p.data.code) window.location.href = data.links.league.replace("__code__", p.data.code);
    });
    draw();
    charts.push(map);
  }

  // Redraw when a chart's width changes (a phone turned, a window resized), once the resizing settles;
  // a change of height alone (a full-page print or screenshot) needs nothing.
  var widths = charts.map(function (c) { return c.getDom().clientWidth; });
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c, i) {
        var width = c.getDom().clientWidth;
        if (width && width !== widths[i]) {
          widths[i] = width;
          c.resize();
        }
      });
    }, 150);
  });
  document.documentElement.setAttribute("data-charts", String(charts.length));
})();
