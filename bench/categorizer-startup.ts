/**
 * Loads the brand index once in a fresh process and prints what it cost, as one JSON line:
 * wall time, heap retained after a GC, RSS growth. Run by bench/categorizer-accuracy.ts with --expose-gc.
 */
import { BrandIndex } from '../src/enrichment/categorizers/brands/brand-index.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const before = process.memoryUsage();
const started = performance.now();
const index = BrandIndex.load();
const seconds = (performance.now() - started) / 1000;
gc();
const after = process.memoryUsage();
const MiB = 2 ** 20;
console.log(JSON.stringify({ seconds, heapMiB: (after.heapUsed - before.heapUsed) / MiB, rssMiB: (after.rss - before.rss) / MiB, brands: index.size }));
