/**
 * @module ui/charts/stacked-bars
 * Counts per time bin as bars stacked by series (e.g. approved / rejected / timed out),
 * each series filled with its own colour and its own pattern (solid, stripes, dots, cross,
 * lines), with a legend naming them, so no series is told apart by colour alone.
 */
import { html, SafeHtml } from "../html.js";
import {
  barSlots,
  type ChartFrame,
  categoryLabels,
  coord,
  emptyNote,
  niceCeiling,
  PLOT,
  PLOT_BOTTOM,
  svgChart,
  valueAxis,
  yOf,
} from "./chart-frame.js";

/** A series: its stable key (for markup) and its label (for people). */
export interface StackSeries {
  key: string;
  label: string;
}

/** One bar: its label (a time) and one count per series, in series order. */
export interface StackedBin {
  label: string;
  values: number[];
}

/** Colour and pattern of the series at each index (repeats after the fifth). */
const FILLS = [
  { colour: "#157f3b", mark: "" },
  { colour: "#2456d6", mark: `<path d="M0,6 L6,0" stroke="#fff" stroke-width="1.5"/>` },
  { colour: "#b42318", mark: `<circle cx="3" cy="3" r="1.3" fill="#fff"/>` },
  { colour: "#b54708", mark: `<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1"/>` },
  { colour: "#667085", mark: `<path d="M0,3 L6,3" stroke="#fff" stroke-width="1.5"/>` },
] as const;

const LEGEND_ROW = 18;

/** The `<pattern>` definitions of `count` series, ids prefixed by the chart's id. */
function patterns(id: string, count: number): SafeHtml {
  const defs = Array.from({ length: count }, (_, i) => {
    const fill = FILLS[i % FILLS.length] as (typeof FILLS)[number];
    return `<pattern id="${id}-fill-${i}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${fill.colour}"/>${fill.mark}</pattern>`;
  });
  // made of the chart's checked id, indexes and the constant marks above only
  return html`<defs>${new SafeHtml(defs.join(""))}</defs>`;
}

/** The legend under the plot: a swatch with the series' fill and its label, per series. */
function legend(id: string, series: StackSeries[]): SafeHtml {
  const perRow = 3;
  const column = PLOT.width / perRow;
  return html`<g class="legend" font-size="12" fill="#1d2330">${series.map((s, i) => {
    const x = coord(PLOT.left + (i % perRow) * column);
    const y = PLOT_BOTTOM + 34 + Math.floor(i / perRow) * LEGEND_ROW;
    return html`<rect x="${x}" y="${y - 10}" width="14" height="12" fill="url(#${id}-fill-${i})" stroke="#1d2330" stroke-width="0.5"/><text x="${x + 20}" y="${y}">${s.label}</text>`;
  })}</g>`;
}

/** Draws one bar per bin, its segments stacked in series order from the bottom. */
export function stackedBars(
  frame: ChartFrame,
  series: StackSeries[],
  bins: StackedBin[],
): SafeHtml {
  const height = PLOT_BOTTOM + 34 + Math.ceil(series.length / 3) * LEGEND_ROW;
  const totals = bins.map((b) => b.values.reduce((sum, v) => sum + v, 0));
  if (bins.length === 0 || Math.max(...totals) === 0)
    return svgChart(
      frame,
      html`${emptyNote("Nothing in this range")}${legend(frame.id, series)}`,
      height,
    );
  const top = niceCeiling(Math.max(...totals));
  const slots = barSlots(bins.length);
  const bars = bins.map((bin, i) => {
    let below = 0;
    const segments = series.map((s, k) => {
      const value = bin.values[k] ?? 0;
      if (value === 0) return "";
      const y = yOf(below + value, top);
      const segment = html`<rect x="${slots.left(i)}" y="${y}" width="${slots.width}" height="${coord(yOf(below, top) - y)}" fill="url(#${frame.id}-fill-${k})" data-series="${s.key}" data-count="${value}"><title>${bin.label}: ${value} ${s.label}</title></rect>`;
      below += value;
      return segment;
    });
    return html`<g class="bar" data-total="${totals[i]}">${segments}</g>`;
  });
  const body = html`${patterns(frame.id, series.length)}${valueAxis(top)}
<g class="bars" stroke="#fff" stroke-width="0.5">${bars}</g>
${categoryLabels(
  bins.map((b) => b.label),
  slots.centers,
)}
${legend(frame.id, series)}`;
  return svgChart(frame, body, height);
}
