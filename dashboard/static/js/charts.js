// Time-series charts with the vendored uPlot, loaded only when a tab first draws one (keeps first paint light).
import { h } from "./dom.js";

let loading = null;
const DAY_INCRS = [1, 2, 7, 14, 30, 60, 91, 182, 365].map((d) => d * 86400); // ticks on whole days only
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7];

export function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const css = h("link", { rel: "stylesheet", href: new URL("../vendor/uPlot.min.css", import.meta.url).href });
      document.head.append(css);
      const script = h("script", { src: new URL("../vendor/uPlot.iife.min.js", import.meta.url).href });
      script.addEventListener("load", () => resolve(window.uPlot));
      script.addEventListener("error", () => { loading = null; reject(new Error("chart library failed to load")); });
      document.head.append(script);
    });
  }
  return loading;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// days: ["2026-11-30", ...]; series: [{label, values: [n, ...]}]. A table of the same figures follows the chart
// for screen readers and anyone who wants exact numbers.
export async function lineChart(container, { title, days, series }) {
  const figure = h("figure", { class: "chart-figure" }, h("figcaption", {}, h("h3", {}, title)));
  const plot = h("div", { class: "chart", role: "img", "aria-label": `${title}: chart; exact figures in the table below` });
  figure.append(plot);
  const table = h("details", {}, h("summary", {}, "Figures"), h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"), series.map((s) => h("th", { scope: "col" }, s.label)))),
    h("tbody", {}, days.map((day, i) => h("tr", {}, h("td", {}, day), series.map((s) => h("td", {}, String(s.values[i] ?? 0)))))))));
  figure.append(table);
  container.append(figure);
  if (!days.length) {
    plot.replaceWith(h("p", { class: "empty" }, "Nothing recorded in this period yet."));
    table.remove();
    return () => {};
  }
  const uPlot = await loadUPlot();
  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  let chart = null;
  const draw = () => {
    if (chart) chart.destroy();
    const colors = ["--chart-1", "--chart-2", "--chart-3", "--chart-4"].map(cssVar);
    const axis = { stroke: cssVar("--muted"), grid: { stroke: cssVar("--chart-grid") }, ticks: { stroke: cssVar("--chart-grid") } };
    const day = (ts) => new Date(ts * 1000).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
    chart = new uPlot({
      width: Math.max(plot.clientWidth, 260), height: 220,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length], width: 2, points: { show: days.length < 40 } }))],
      axes: [{ ...axis, space: 70, incrs: DAY_INCRS, values: (u, ticks) => ticks.map(day) },
        { ...axis, size: 48, incrs: COUNT_INCRS, values: (u, ticks) => ticks.map((t) => t.toLocaleString()) }],
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max, 1)] } },
      legend: { show: series.length > 1, live: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      cursor: { drag: { x: false, y: false } },
    }, [xs, ...series.map((s) => s.values.map((v) => v ?? 0))], plot);
  };
  draw();
  const onResize = () => chart && chart.setSize({ width: Math.max(plot.clientWidth, 260), height: 220 });
  window.addEventListener("resize", onResize);
  document.addEventListener("theme-change", draw);
  return () => {
    window.removeEventListener("resize", onResize);
    document.removeEventListener("theme-change", draw);
    if (chart) chart.destroy();
  };
}
