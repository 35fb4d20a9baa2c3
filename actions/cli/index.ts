#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
if (process.env.GITML_REPORT_RSS) console.error(`maxrss_kb=${peakRssKb()}`);

/**
 * Peak resident set size of this process, for benchmarks. VmHWM belongs to the address space the
 * process got at exec; getrusage's maxrss also counts the parent's pages copied before exec on Linux.
 */
function peakRssKb(): number {
  if (existsSync('/proc/self/status')) {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  }
  return process.resourceUsage().maxRSS;
}
