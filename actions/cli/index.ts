#!/usr/bin/env node
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
// Benchmarks read the peak resident set size of the whole process from here.
if (process.env.GITML_REPORT_RSS) console.error(`maxrss_kb=${process.resourceUsage().maxRSS}`);
