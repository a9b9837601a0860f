/**
 * `pnpm bench`: runs every `bench/*.bench.ts` in sequence, each in its own Node process
 * (`--expose-gc`, tsx, source conditions) so memory figures do not mix. Pass names to run
 * only some: `pnpm bench decision-latency`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();
if (files.length === 0) {
  console.error(`No bench files match ${only.join(", ")}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  console.log(
    `\n=== ${file} === (Node ${process.version}, ${availableParallelism()} CPUs, load average ${load})`,
  );
  const result = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions=@safeguards/source", `${dir}${file}`],
    { stdio: "inherit", cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  if (result.status !== 0) {
    failed += 1;
    console.error(`${file} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
