// Types of scripts/bench-table.mjs, for the bench runner and the test that import it.
export declare const START: string;
export declare const END: string;
export declare const RESULTS: string;
export interface BenchResults {
  date: string;
  machine: { node: string; cpus: number; cpu: string; memoryGiB: number; python: boolean };
  lines: unknown[];
}
export declare function benchTable(results: BenchResults): string;
export declare function withBenchTable(readme: string, table: string): string;
export declare function currentBenchTable(readme: string): string | null;
export declare function updateReadme(options?: { root?: string; check?: boolean }): boolean;
