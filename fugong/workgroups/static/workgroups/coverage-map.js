// The coverage map: each league coloured by the enterprises visited, a league no group was sent to in grey,
// the groups sent there in the tooltip. The figures come from the page (coverage selector), computed.
(function () {
  "use strict";
  var holder = document.getElementById("coverage-data");
  var element = document.getElementById("coverage-map");
  if (!holder || !element || !window.echarts || !echarts.getMap("内蒙古")) return;
  var data = JSON.parse(holder.textContent);
  var labels = JSON.parse(element.dataset.labels);
  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  var points = data.map(function (l) {
    return l.uncovered
      ? { name: l.map_name, value: null, row: l, itemStyle: { areaColor: "#adb5bd" } }
      : { name: l.map_name, value: l.visited, row: l };
  });
  var values = data.filter(function (l) { return !l.uncovered; }).map(function (l) { return l.visited; });
  var chart = echarts.init(element);
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var l = p.data && p.data.row;
        if (!l) return escape(p.name);
        return "<strong>" + escape(l.name) + "</strong><br>" +
          escape(labels.groups) + ": " + escape(l.groups.join("、") || labels.none) + "<br>" +
          escape(labels.visited) + ": " + l.visited + " / " + l.enterprises + "<br>" +
          escape(labels.parks) + ": " + l.parks + "<br>" +
          escape(labels.problems) + ": " + l.problems;
      }
    },
    visualMap: {
      min: 0, max: values.length ? Math.max.apply(null, values.concat([1])) : 1,
      left: 0, bottom: 0, calculable: true, itemHeight: 90,
      inRange: { color: ["#e8f1fb", "#74a9dc", "#1d60b0"] }
    },
    series: [{ type: "map", map: "内蒙古", data: points, selectedMode: false, label: { show: false } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
