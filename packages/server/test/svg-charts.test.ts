/**
 * The server-drawn SVG charts of the analytics page (pure functions): bars and points
 * carry the numbers they were given at the heights those numbers call for, the median and
 * p90 markers sit in the right bucket, empty data draws an empty chart with a note, the
 * frame is accessible, and agent-written text (tool names) stays text.
 */
import { describe, expect, it } from "vitest";
import { areaChart, pointX } from "../src/ui/charts/area-chart.js";
import {
  formatDuration,
  niceCeiling,
  PLOT,
  PLOT_BOTTOM,
  svgChart,
  valueAxis,
} from "../src/ui/charts/chart-frame.js";
import { bucketLabel, histogram, markerX } from "../src/ui/charts/histogram.js";
import { stackedBars } from "../src/ui/charts/stacked-bars.js";
import { html } from "../src/ui/html.js";

const frame = (id = "c") => ({ id, title: "A chart", summary: "Numbers in words." });
const attrs = (svg: string, element: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`, "g"))].map((m) => m[1]);
const numbers = (values: (string | undefined)[]) => values.map(Number);
/** The height of each `<rect data-count>` (bars and segments). */
const barHeights = (svg: string) =>
  [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*data-count="(\d+)"/g)].map((m) => ({
    height: Number(m[1]),
    count: Number(m[2]),
  }));

describe("chart frame", () => {
  it("is an image named by its title and described by its summary, scaling with the page", () => {
    const svg = svgChart(frame("backlog"), html``, 200).value;
    expect(svg).toMatch(/^<svg class="chart" id="backlog" role="img"/);
    expect(svg).toContain('aria-labelledby="backlog-title" aria-describedby="backlog-desc"');
    expect(svg).toContain('viewBox="0 0 640 200" width="100%"');
    expect(svg).toContain('<title id="backlog-title">A chart</title>');
    expect(svg).toContain('<desc id="backlog-desc">Numbers in words.</desc>');
    expect(svg).not.toMatch(/style=|<script/i);
  });

  it("labels the value axis with whole numbers only", () => {
    const labels = (top: number) =>
      [...valueAxis(top).value.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(labels(10)).toEqual(["0", "5", "10"]);
    expect(labels(5)).toEqual(["0", "5"]);
    expect(labels(1)).toEqual(["0", "1"]);
  });

  it("refuses an id that is not a plain id (ids go into url(#…) references)", () => {
    expect(() => svgChart(frame('x" onload="1'), html``, 100)).toThrow(/not a plain id/);
    expect(() => svgChart(frame("a)b"), html``, 100)).toThrow();
  });

  it("formats durations and rounds the value axis up to 1, 2 or 5 times a power of ten", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(90)).toBe("1.5 min");
    expect(formatDuration(7200)).toBe("2 h");
    expect(formatDuration(129_600)).toBe("1.5 d");
    expect([0, 1, 3, 7, 10, 11, 42, 180].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 50, 200]);
  });
});

describe("area chart", () => {
  it("puts one point per value at the height of that value", () => {
    const points = [
      { label: "10:00", value: 0 },
      { label: "11:00", value: 5 },
      { label: "12:00", value: 10 },
    ];
    const svg = areaChart(frame(), points).value;
    expect(numbers(attrs(svg, "circle", "data-value"))).toEqual([0, 5, 10]);
    const ys = numbers(attrs(svg, "circle", "cy"));
    expect(ys[0]).toBe(PLOT_BOTTOM);
    expect(ys[2]).toBe(PLOT.top); // 10 is the axis top
    expect(ys[1]).toBe((PLOT.top + PLOT_BOTTOM) / 2);
    expect(numbers(attrs(svg, "circle", "cx"))).toEqual([0, 1, 2].map((i) => pointX(i, 3)));
    expect(svg).toContain("<title>11:00: 5</title>");
    expect(svg).toMatch(/<polyline class="line" points="[\d., ]+"/);
  });

  it("draws an empty chart with a note when there is no point", () => {
    const svg = areaChart(frame(), []).value;
    expect(svg).toContain("No data in this range");
    expect(svg).not.toContain("<circle");
    expect(svg).toContain('role="img"');
  });
});

describe("histogram", () => {
  const buckets = [
    { upTo: 60, count: 4 },
    { upTo: 300, count: 2 },
    { upTo: 3600, count: 1 },
    { upTo: null, count: 0 },
  ];

  it("draws one bar per bucket, heights proportional to the counts, each labelled", () => {
    const svg = histogram(frame(), { buckets, median: 45, p90: 900 }).value;
    const bars = barHeights(svg);
    expect(bars.map((b) => b.count)).toEqual([4, 2, 1, 0]);
    expect(bars[0]!.height).toBe(PLOT.height * (4 / 5)); // axis top: 5
    expect(bars[1]!.height).toBe(PLOT.height * (2 / 5));
    expect(bars[3]!.height).toBe(0);
    expect(svg).toContain("<title>≤ 5 min: 2</title>");
    expect(svg).toContain("<title>&gt; 1 h: 0</title>");
    expect([...svg.matchAll(/<g class="counts"[^>]*>(.*?)<\/g>/g)][0]![1]).toMatch(/>4<.*>2<.*>1</);
  });

  it("marks the median and p90 inside the buckets holding them, named in text", () => {
    const svg = histogram(frame(), { buckets, median: 45, p90: 900 }).value;
    const width = PLOT.width / 4;
    const medianX = Number(/marker-median" data-seconds="45"><line x1="([\d.]+)"/.exec(svg)?.[1]);
    const p90X = Number(/marker-p90" data-seconds="900"><line x1="([\d.]+)"/.exec(svg)?.[1]);
    expect(medianX).toBeCloseTo(PLOT.left + width * 0.75, 1); // 45 of 0–60 s
    expect(p90X).toBeGreaterThan(PLOT.left + 2 * width); // 900 s: third bucket (300–3600 s)
    expect(p90X).toBeLessThan(PLOT.left + 3 * width);
    expect(markerX(buckets, 5000)).toBe(PLOT.left + 3.5 * width); // open bucket: its middle
    expect(svg).toMatch(/>median 45 s</);
    expect(svg).toMatch(/>p90 15 min</);
    expect(svg).toContain('stroke-dasharray="6 3"'); // median and p90 differ in dash, not colour
    expect(svg).toContain('stroke-dasharray="2 3"');
  });

  it("labels buckets by their upper bound, the open last one by the previous bound", () => {
    expect(bucketLabel(buckets, 0)).toBe("≤ 1 min");
    expect(bucketLabel(buckets, 3)).toBe("> 1 h");
    expect(bucketLabel([{ upTo: null, count: 1 }], 0)).toBe("any");
  });

  it("draws no bar and no marker without decisions", () => {
    const empty = buckets.map((b) => ({ ...b, count: 0 }));
    for (const input of [
      { buckets: empty, median: null, p90: null },
      { buckets: [], median: null, p90: null },
    ]) {
      const svg = histogram(frame(), input).value;
      expect(svg).toContain("No decisions in this range");
      expect(svg).not.toContain("data-count");
      expect(svg).not.toContain("marker");
    }
  });
});

describe("stacked bars", () => {
  const series = [
    { key: "approved", label: "approved" },
    { key: "rejected", label: "rejected" },
  ];

  it("stacks each bin's counts in series order, each segment as tall as its count", () => {
    const svg = stackedBars(frame("out"), series, [
      { label: "10:00", values: [3, 1] },
      { label: "11:00", values: [0, 2] },
      { label: "12:00", values: [0, 0] },
    ]).value;
    expect(numbers(attrs(svg, "g", "data-total"))).toEqual([4, 2, 0]);
    const segments = [
      ...svg.matchAll(
        /y="([\d.]+)" [^>]*height="([\d.]+)"[^>]*data-series="(\w+)" data-count="(\d+)"/g,
      ),
    ];
    expect(segments.map((m) => [m[3], Number(m[4])])).toEqual([
      ["approved", 3],
      ["rejected", 1],
      ["rejected", 2],
    ]);
    const unit = PLOT.height / 5; // axis top: 5
    expect(Number(segments[0]![2])).toBeCloseTo(3 * unit, 1);
    // the rejected segment sits right on top of the approved one
    expect(Number(segments[1]![1]) + Number(segments[1]![2])).toBeCloseTo(
      Number(segments[0]![1]),
      1,
    );
  });

  it("tells series apart by pattern and a legend, not colour alone", () => {
    const svg = stackedBars(frame("out"), series, [{ label: "10:00", values: [1, 1] }]).value;
    expect(svg).toContain('<pattern id="out-fill-0"');
    expect(svg).toMatch(/<pattern id="out-fill-1"[^>]*>.*<path d=/);
    expect(svg).toMatch(/<g class="legend"[^>]*>.*>approved<.*>rejected<\/text>/);
  });

  it("draws an empty chart with its legend when every count is 0", () => {
    const svg = stackedBars(frame("out"), series, [{ label: "10:00", values: [0, 0] }]).value;
    expect(svg).toContain("Nothing in this range");
    expect(svg).not.toContain("data-series");
    expect(svg).toContain(">rejected</text>");
  });

  it("escapes agent-written labels and titles", () => {
    const evil = `<script>alert(1)</script>"'&`;
    const svg = stackedBars(
      { id: "x", title: evil, summary: evil },
      [{ key: "k", label: evil }],
      [{ label: evil, values: [1] }],
    ).value;
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
    const area = areaChart({ id: "y", title: evil, summary: "s" }, [
      { label: evil, value: 1 },
    ]).value;
    expect(area).not.toContain("<script>");
  });
});
