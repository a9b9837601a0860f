/**
 * @module ui/charts/histogram
 * A distribution of durations as bars, one per bucket ("at most 5 min"), each labelled
 * with its count, with the median and the 90th percentile marked by differently dashed
 * lines that carry their names and values as text.
 */
import { html, type SafeHtml } from "../html.js";
import {
  barSlots,
  type ChartFrame,
  categoryLabels,
  coord,
  emptyNote,
  formatDuration,
  niceCeiling,
  PLOT,
  PLOT_BOTTOM,
  svgChart,
  valueAxis,
  yOf,
} from "./chart-frame.js";

/** A bucket: durations up to `upTo` seconds (`null`: the open last bucket). */
export interface HistogramBucket {
  upTo: number | null;
  count: number;
}

/** What a histogram draws. */
export interface HistogramInput {
  buckets: HistogramBucket[];
  /** Seconds; `null` when there is nothing to mark. */
  median: number | null;
  p90: number | null;
}

const HEIGHT = PLOT_BOTTOM + 28;

/** A bucket's label: "≤ 5 min", or "> 1 h" for the open last one. */
export function bucketLabel(buckets: HistogramBucket[], i: number): string {
  const bucket = buckets[i] as HistogramBucket;
  if (bucket.upTo !== null) return `≤ ${formatDuration(bucket.upTo)}`;
  const previous = buckets[i - 1]?.upTo;
  return previous == null ? "any" : `> ${formatDuration(previous)}`;
}

/**
 * Where `seconds` falls on the bucket axis: the bucket holding it, and how far into it
 * (linear between the bucket's bounds; the middle of the open last bucket).
 */
export function markerX(buckets: HistogramBucket[], seconds: number): number {
  const width = PLOT.width / buckets.length;
  let index = buckets.findIndex((b) => b.upTo === null || seconds <= b.upTo);
  if (index === -1) index = buckets.length - 1;
  const bucket = buckets[index] as HistogramBucket;
  const lower = index === 0 ? 0 : (buckets[index - 1]?.upTo ?? 0);
  const fraction =
    bucket.upTo === null || bucket.upTo <= lower
      ? 0.5
      : Math.min(1, Math.max(0, (seconds - lower) / (bucket.upTo - lower)));
  return coord(PLOT.left + (index + fraction) * width);
}

const marker = (
  buckets: HistogramBucket[],
  name: "median" | "p90",
  seconds: number | null,
  row: number,
) => {
  if (seconds === null || buckets.length === 0) return "";
  const x = markerX(buckets, seconds);
  const dash = name === "median" ? "6 3" : "2 3";
  const anchor = x > PLOT.left + PLOT.width * 0.8 ? "end" : "start";
  const dx = anchor === "end" ? -4 : 4;
  return html`<g class="marker marker-${name}" data-seconds="${seconds}"><line x1="${x}" x2="${x}" y1="${14 + row * 14}" y2="${PLOT_BOTTOM}" stroke="#1d2330" stroke-width="2" stroke-dasharray="${dash}"/><text x="${coord(x + dx)}" y="${11 + row * 14}" text-anchor="${anchor}" font-size="12" fill="#1d2330">${name} ${formatDuration(seconds)}</text></g>`;
};

/** Draws the buckets as bars with their counts and the median and p90 markers. */
export function histogram(frame: ChartFrame, input: HistogramInput): SafeHtml {
  const { buckets } = input;
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (buckets.length === 0 || total === 0)
    return svgChart(frame, emptyNote("No decisions in this range"), HEIGHT);
  const top = niceCeiling(Math.max(...buckets.map((b) => b.count)));
  const slots = barSlots(buckets.length);
  const centers = slots.centers;
  const body = html`${valueAxis(top)}
<g class="bars" fill="#2456d6" fill-opacity="0.55" stroke="#2456d6">${buckets.map((b, i) => {
    const y = yOf(b.count, top);
    return html`<rect x="${slots.left(i)}" y="${y}" width="${slots.width}" height="${coord(PLOT_BOTTOM - y)}" data-count="${b.count}"><title>${bucketLabel(buckets, i)}: ${b.count}</title></rect>`;
  })}</g>
<g class="counts" font-size="11" fill="#1d2330" text-anchor="middle">${buckets.map((b, i) =>
    b.count > 0 ? html`<text x="${centers[i]}" y="${yOf(b.count, top) - 3}">${b.count}</text>` : "",
  )}</g>
${marker(buckets, "median", input.median, 0)}${marker(buckets, "p90", input.p90, 1)}
${categoryLabels(
  buckets.map((_, i) => bucketLabel(buckets, i)),
  centers,
)}`;
  return svgChart(frame, body, HEIGHT);
}
