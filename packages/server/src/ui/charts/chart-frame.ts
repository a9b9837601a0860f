/**
 * @module ui/charts/chart-frame
 * What every server-drawn SVG chart shares: the accessible frame (`role="img"`, a title
 * and a text summary the screen reader reads instead of the shapes), the plot area's
 * geometry, the value axis and the readable number formats. No inline style and no script:
 * only SVG presentation attributes and classes of the inbox stylesheet, so the pages'
 * Content-Security-Policy stays as strict as it is.
 */
import { html, type SafeHtml } from "../html.js";

/** Width of every chart's `viewBox` (the SVG scales to its container: `width="100%"`). */
export const CHART_WIDTH = 640;

/** The plot area inside the `viewBox`: left and top edges, width and height. */
export const PLOT = { left: 48, top: 28, width: 576, height: 170 } as const;

/** Bottom edge of the plot area (its zero line). */
export const PLOT_BOTTOM = PLOT.top + PLOT.height;

/** What a chart id may hold (ids go into `url(#…)` references unescaped). */
const CHART_ID = /^[a-z][a-z0-9-]{0,63}$/;

/** Names a chart: `id` prefixes its element ids (never agent-written text). */
export interface ChartFrame {
  /** Unique on the page; letters, digits and `-` only. */
  id: string;
  /** Short heading read first, e.g. "Pending actions over time". */
  title: string;
  /** The numbers in words, read by screen readers instead of the shapes. */
  summary: string;
}

/** Rounds a coordinate to one decimal (short, stable markup). */
export const coord = (n: number): number => Math.round(n * 10) / 10;

/** A number as people read it: integers as they are, others with one decimal. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : (Math.round(n * 10) / 10).toFixed(1);
}

/** A duration in seconds as "42 s", "3.5 min", "2 h" or "1.5 d". */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) return `${formatNumber(Math.round((seconds / size) * 10) / 10)} ${unit}`;
  }
  return `${formatNumber(Math.round(seconds * 10) / 10)} s`;
}

/** The smallest of 1, 2, 5, 10, 20, 50… that is at least `max` (at least 1). */
export function niceCeiling(max: number): number {
  if (!(max > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The y coordinate of `value` on a value axis from 0 to `top`. */
export const yOf = (value: number, top: number): number =>
  coord(PLOT_BOTTOM - (value / top) * PLOT.height);

/** The value axis: grid lines and labels at 0, `top` and, when a whole number, half of it. */
export function valueAxis(top: number): SafeHtml {
  const ticks = Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top];
  return html`<g class="axis" font-size="12" fill="#475467">${ticks.map(
    (t) =>
      html`<line x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${yOf(t, top)}" y2="${yOf(t, top)}" stroke="#d0d5dd" stroke-width="1"/><text x="${PLOT.left - 6}" y="${yOf(t, top) + 4}" text-anchor="end">${formatNumber(t)}</text>`,
  )}</g>`;
}

/**
 * Labels under the plot at `xs` (one per point); only the first, the middle and the last
 * are written, the table under the chart has them all.
 */
export function categoryLabels(labels: string[], xs: number[]): SafeHtml {
  const shown = [...new Set([0, Math.floor((labels.length - 1) / 2), labels.length - 1])].filter(
    (i) => i >= 0 && i < labels.length,
  );
  return html`<g class="labels" font-size="12" fill="#475467">${shown.map((i) => {
    const anchor =
      i === 0 && labels.length > 1
        ? "start"
        : i === labels.length - 1 && labels.length > 1
          ? "end"
          : "middle";
    return html`<text x="${xs[i]}" y="${PLOT_BOTTOM + 18}" text-anchor="${anchor}">${labels[i]}</text>`;
  })}</g>`;
}

/** The `<svg>` element around a chart's shapes, `height` tall in `viewBox` units. */
export function svgChart(frame: ChartFrame, body: SafeHtml, height: number): SafeHtml {
  if (!CHART_ID.test(frame.id))
    throw new Error(`chart id ${JSON.stringify(frame.id)} is not a plain id`);
  return html`<svg class="chart" id="${frame.id}" role="img" aria-labelledby="${frame.id}-title" aria-describedby="${frame.id}-desc" viewBox="0 0 ${CHART_WIDTH} ${height}" width="100%" preserveAspectRatio="xMidYMid meet" focusable="false"><title id="${frame.id}-title">${frame.title}</title><desc id="${frame.id}-desc">${frame.summary}</desc>${body}</svg>`;
}

/** Bars side by side over the plot's width: each bar's left edge, width and centre. */
export function barSlots(count: number) {
  const slot = PLOT.width / count;
  const gap = Math.min(4, slot / 5);
  return {
    left: (i: number) => coord(PLOT.left + i * slot + gap / 2),
    width: coord(slot - gap),
    centers: Array.from({ length: count }, (_, i) => coord(PLOT.left + (i + 0.5) * slot)),
  };
}

/** The words in an empty chart's plot area. */
export function emptyNote(text: string): SafeHtml {
  return html`<text class="empty" x="${PLOT.left + PLOT.width / 2}" y="${PLOT.top + PLOT.height / 2}" text-anchor="middle" font-size="14" fill="#475467">${text}</text>`;
}
