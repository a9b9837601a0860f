/**
 * @module ui/charts/area-chart
 * A line with the area under it, for one count over time (the pending backlog): one
 * point per time bin, each a circle carrying its value, so the shape is readable without
 * its colour.
 */
import { html, type SafeHtml } from "../html.js";
import {
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

/** One point of a series: its label (a time) and its value. */
export interface SeriesPoint {
  label: string;
  value: number;
}

const HEIGHT = PLOT_BOTTOM + 28;

/** The x coordinate of point `i` of `n`, spread over the plot's width. */
export const pointX = (i: number, n: number): number =>
  coord(n <= 1 ? PLOT.left + PLOT.width / 2 : PLOT.left + (i * PLOT.width) / (n - 1));

/** Draws `points` as a line over a filled area, on a value axis from 0. */
export function areaChart(frame: ChartFrame, points: SeriesPoint[]): SafeHtml {
  if (points.length === 0) return svgChart(frame, emptyNote("No data in this range"), HEIGHT);
  const top = niceCeiling(Math.max(...points.map((p) => p.value)));
  const xs = points.map((_, i) => pointX(i, points.length));
  const ys = points.map((p) => yOf(p.value, top));
  const line = xs.map((x, i) => `${x},${ys[i]}`).join(" ");
  const first = xs[0] as number;
  const last = xs[xs.length - 1] as number;
  const area = `M${first},${PLOT_BOTTOM} L${line.replaceAll(" ", " L")} L${last},${PLOT_BOTTOM} Z`;
  const body = html`${valueAxis(top)}
<path class="area" d="${area}" fill="#2456d6" fill-opacity="0.15" stroke="none"/>
<polyline class="line" points="${line}" fill="none" stroke="#2456d6" stroke-width="2"/>
<g class="points" fill="#2456d6">${points.map(
    (p, i) =>
      html`<circle cx="${xs[i]}" cy="${ys[i]}" r="3" data-value="${p.value}"><title>${p.label}: ${p.value}</title></circle>`,
  )}</g>
${categoryLabels(
  points.map((p) => p.label),
  xs,
)}`;
  return svgChart(frame, body, HEIGHT);
}
