#!/usr/bin/env node
// Checks that a prebuilt directory (prebuilds/linux-x64 by default) needs nothing on the machine
// but glibc and the C++ runtime:
//   - every NEEDED entry of every ELF file in it is a glibc / libstdc++ / libgcc_s library or a
//     file of the directory itself (readelf);
//   - no RUNPATH or RPATH other than $ORIGIN (no build machine's directory);
//   - the dynamic loader resolves everything, and everything outside glibc/libstdc++ from inside
//     the directory (ldd);
//   - espeak-ng's data is beside the G2P helper.
// Prints the newest glibc and libstdc++ symbol versions the files need.
//   node scripts/check-prebuild.mjs [DIR]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The C and C++ runtime every Linux machine with Node has. */
export const SYSTEM_LIBRARIES = new Set([
  'linux-vdso.so.1',
  'ld-linux-x86-64.so.2',
  'libc.so.6',
  'libm.so.6',
  'libdl.so.2',
  'librt.so.1',
  'libpthread.so.0',
  'libstdc++.so.6',
  'libgcc_s.so.1',
]);

const isElf = (path) => {
  const fd = readFileSync(path).subarray(0, 4);
  return fd.length === 4 && fd[0] === 0x7f && fd.toString('latin1', 1, 4) === 'ELF';
};

/** NEEDED, RUNPATH and RPATH entries of an ELF file. */
function dynamicSection(path) {
  const text = execFileSync('readelf', ['-d', path], { encoding: 'utf8' });
  const entries = (tag) => [...text.matchAll(new RegExp(`\\(${tag}\\)\\s+[^\\[]*\\[([^\\]]*)\\]`, 'g'))].map((m) => m[1]);
  return { needed: entries('NEEDED'), runpath: [...entries('RUNPATH'), ...entries('RPATH')] };
}

/** name -> resolved path ('not found' kept as is) from ldd. */
function lddResolved(path) {
  const text = execFileSync('ldd', [path], { encoding: 'utf8' });
  const resolved = new Map();
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (match) resolved.set(match[1], match[2]);
  }
  return resolved;
}

function symbolVersions(path) {
  const text = execFileSync('objdump', ['-T', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(text.match(/\b(GLIBC|GLIBCXX|CXXABI)_[0-9.]+/g) ?? [])];
}

const newest = (versions, prefix) =>
  versions
    .filter((v) => v.startsWith(`${prefix}_`))
    .map((v) => v.slice(prefix.length + 1))
    .sort((a, b) => {
      const pa = a.split('.').map(Number);
      const pb = b.split('.').map(Number);
      for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
      return 0;
    })
    .at(-1);

/** Every problem found in `dir` (empty when it passes), and the newest symbol versions needed. */
export function checkPrebuildDir(dir) {
  const problems = [];
  const root = resolve(dir);
  if (!existsSync(root)) return { problems: [`${root} does not exist (npm run prebuilds makes it)`], files: [], newest: {} };
  const files = readdirSync(root).filter((name) => statSync(join(root, name)).isFile() && isElf(join(root, name)));
  if (!files.some((name) => name.endsWith('.node'))) problems.push('no addon (*.node) in the directory');
  const versions = [];
  for (const name of files) {
    const path = join(root, name);
    const { needed, runpath } = dynamicSection(path);
    for (const library of needed) {
      if (!SYSTEM_LIBRARIES.has(library) && !files.includes(library)) problems.push(`${name} needs ${library}, which is neither a system library nor bundled`);
    }
    for (const entry of runpath) {
      if (entry !== '$ORIGIN') problems.push(`${name} has RUNPATH/RPATH "${entry}" (only $ORIGIN is allowed)`);
    }
    for (const [library, where] of lddResolved(path)) {
      if (where === 'not found') problems.push(`${name}: the loader finds no ${library}`);
      else if (!SYSTEM_LIBRARIES.has(library) && !resolve(where).startsWith(`${root}/`)) problems.push(`${name}: ${library} resolves outside the directory, to ${where}`);
    }
    versions.push(...symbolVersions(path));
  }
  if (files.includes('pronunciation_engine_g2p') && !existsSync(join(root, 'espeak-ng-data', 'phontab'))) {
    problems.push('espeak-ng-data/phontab is missing beside the G2P helper');
  }
  return { problems, files, newest: { glibc: newest(versions, 'GLIBC'), glibcxx: newest(versions, 'GLIBCXX') } };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'prebuilds', `${process.platform}-${process.arch}`);
  const { problems, files, newest: needs } = checkPrebuildDir(dir);
  console.log(`${basename(resolve(dir))}: ${files.length} ELF files; needs glibc >= ${needs.glibc}, libstdc++ GLIBCXX_${needs.glibcxx}`);
  for (const problem of problems) console.error(`  problem: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log('  every dependency is glibc, the C++ runtime, or bundled with RUNPATH $ORIGIN');
}
