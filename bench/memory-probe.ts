/**
 * @module bench/memory-probe
 * Preloaded into inbox child processes by the PostgreSQL benchmark (`--expose-gc --import`):
 * on SIGUSR2 it runs a full GC three times and prints `memory-probe: <heapUsed> <rss>`, so the
 * parent can read an instance's memory after GC from the outside.
 */
process.on("SIGUSR2", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  process.stdout.write(`memory-probe: ${m.heapUsed} ${m.rss}\n`);
});
