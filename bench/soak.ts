// A long run of assessments in one process, printing its memory as it goes: resident set size,
// V8's heap, and (with --malloc, which needs gdb) glibc's own figures for its arenas: bytes held
// from the system and bytes in use. A leak shows as "in use" growing; fragmentation as "held"
// growing while "in use" stays flat. The recordings are real held-out speechocean762 utterances
// of different lengths (or the example recording, when the data is absent), read from disk as
// the workers receive them.
//   MALLOC_ARENA_MAX=2 node --import tsx bench/soak.ts [assessments=2000] [concurrency=4] [--malloc] [--data DIR]
// (--data: the folder holding speechocean762-dev, when not ../shared/data beside the checkout).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { load } from '../lib/engine.js';
import { readRealSet, SHARED_DATA_DIR } from '../eval/real.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface MallocFigures {
  /** Bytes glibc's arenas (and mmapped chunks) hold from the system. */
  heldMb: number;
  /** Of those, bytes in chunks handed out and not freed. */
  inUseMb: number;
  arenas: number;
}

/** glibc's malloc_info() of this process, called through gdb; undefined without gdb. */
export function mallocFigures(): MallocFigures | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'malloc-info-'));
  const file = join(dir, 'info.xml');
  try {
    const run = spawnSync('gdb', ['-p', String(process.pid), '-batch', '-nx',
      '-ex', `set $f = (void *) fopen("${file}", "w")`, '-ex', 'call (int) malloc_info(0, $f)', '-ex', 'call (int) fclose($f)'], { encoding: 'utf8' });
    if (run.status !== 0 || !existsSync(file)) return undefined;
    const xml = readFileSync(file, 'utf8');
    // The totals after the per-arena <heap> elements.
    const tail = xml.slice(xml.lastIndexOf('</heap>'));
    const size = (pattern: RegExp) => Number(pattern.exec(tail)?.[1] ?? 0);
    const free = size(/<total type="fast" count="\d+" size="(\d+)"/) + size(/<total type="rest" count="\d+" size="(\d+)"/);
    const system = size(/<system type="current" size="(\d+)"/);
    const mmapped = size(/<total type="mmap" count="\d+" size="(\d+)"/);
    return { heldMb: (system + mmapped) / 1e6, inUseMb: (system - free + mmapped) / 1e6, arenas: (xml.match(/<heap nr=/g) ?? []).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function soak(count: number, concurrency: number, options: { malloc?: boolean; dataDir?: string; onCheckpoint: (line: string) => void }): Promise<void> {
  const trained = join(root, 'models', 'default');
  const engine = await load(existsSync(join(trained, 'manifest.json')) ? trained : join(root, 'models', 'plumbing'));
  const dataDir = options.dataDir ?? SHARED_DATA_DIR;
  const items = existsSync(dataDir)
    ? readRealSet({ dataDir, limit: 100 }).items.map((item) => ({ path: item.audioPath, targetIpa: item.words.map((w) => w.join(' ')).join(' | ') }))
    : [{ path: join(root, 'examples', '001040067.flac'), targetIpa: 'leɪlə ɪz ɡʊd æt sɜːfɪŋ' }];
  const began = performance.now();
  let started = 0;
  let finished = 0;
  let failed = 0;
  const every = Math.max(1, Math.round(count / 10));
  const report = () => {
    const m = process.memoryUsage();
    const malloc = options.malloc ? mallocFigures() : undefined;
    const glibc = malloc ? `  malloc held ${malloc.heldMb.toFixed(1)} MB, in use ${malloc.inUseMb.toFixed(1)} MB (${malloc.arenas} arenas)` : '';
    options.onCheckpoint(`${String(finished).padStart(6)} done  rss ${(m.rss / 1e6).toFixed(1)} MB  js heap ${(m.heapUsed / 1e6).toFixed(1)} MB  external ${(m.external / 1e6).toFixed(1)} MB${glibc}`);
  };
  report();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        const item = items[started++ % items.length];
        // Read per call, as a worker receives bytes: the buffers' sizes vary like real traffic.
        await engine.assess({ audio: readFileSync(item.path), targetIpa: item.targetIpa }).catch(() => (failed += 1));
        finished += 1;
        if (finished % every === 0) report();
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  options.onCheckpoint(`${count} assessments in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} a second; ${items.length} recordings cycled; ${failed} refused)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const dataDir = args.includes('--data') ? args[args.indexOf('--data') + 1] : undefined;
  const [count = 2000, concurrency = 4] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--data').map(Number);
  console.log(`soak: ${count} assessments, ${concurrency} at a time, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}`);
  await soak(count, concurrency, { malloc: args.includes('--malloc'), dataDir, onCheckpoint: (line) => console.log(line) });
}
