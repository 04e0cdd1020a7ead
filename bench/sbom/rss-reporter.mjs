// Preloaded with --import into each measured node process: records its peak RSS and CPU time at exit.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

// The main thread only: NODE_OPTIONS preloads this into worker threads too, and the process's
// resource usage (all threads) is what counts.
const out = process.env.SBOM_BENCH_RSS_FILE;
if (out && isMainThread) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
    } catch {
      // the measurement is lost, the run is not
    }
  });
}
