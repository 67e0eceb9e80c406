#!/usr/bin/env bash
# The packed tarball as a user gets it: `npm pack` (prepack builds dist/), then, in a new
# consumer project, `npm install <tarball>` with install scripts disabled, and the CLI's
# `assess` and `ipa` and the library's `load().assess()` run with nothing on PATH but node
# (no compiler, no cmake, no pkg-config) and an empty environment. The installed addon must load
# every library outside glibc/libstdc++ from inside the package (ldd), and the G2P helper must
# read the espeak-ng data shipped beside it. Prints the installed size.
# Needs prebuilds/linux-x64 (npm run prebuilds) and the npm registry for the dependencies.
#   bash scripts/check-package.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node scripts/check-prebuild.mjs prebuilds/linux-x64

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
echo "packed $tarball ($(du -h "$work/$tarball" | cut -f1))"

mkdir -p "$work/consumer" "$work/bin"
cd "$work/consumer"
npm init -y >/dev/null
npm install --ignore-scripts --no-audit --no-fund "$work/$tarball" >/dev/null
package="$work/consumer/node_modules/pronunciation-engine"
echo "installed: node_modules $(du -sh node_modules | cut -f1) ($(du -sb node_modules | cut -f1) bytes), the package $(du -sh "$package" | cut -f1)"

# Nothing on PATH but node: a machine without build tools.
ln -s "$(command -v node)" "$work/bin/node"
run() { env -i HOME="$work" PATH="$work/bin" "$@"; }
for tool in cc c++ gcc cmake pkg-config make; do
  if run sh -c "command -v $tool" >/dev/null 2>&1; then echo "$tool is on the clean PATH" >&2; exit 1; fi
done

addon="$package/prebuilds/linux-x64/pronunciation-engine.napi.node"
if ldd "$addon" | awk '$2 == "=>" { print $1, $3 }' | grep -Ev '^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s)\.so' | grep -v " $package/prebuilds/linux-x64/"; then
  echo "the installed addon loads the libraries above from outside the package" >&2
  exit 1
fi

recording="$package/examples/001040067.flac"
run ./node_modules/.bin/pronunciation-engine assess "$recording" --target "leɪlə ɪz ɡʊd æt sɜːfɪŋ" > assess.json
run ./node_modules/.bin/pronunciation-engine ipa "Layla is good at surfing" > ipa.json
run ./node_modules/.bin/pronunciation-engine --version > version.txt
cat > library.mjs <<'EOF'
import { load, g2pLanguages } from 'pronunciation-engine';
const engine = await load();
const result = await engine.assess({ audio: process.argv[2], targetIpa: 'leɪlə ɪz ɡʊd æt sɜːfɪŋ' }, { timeoutMs: 60000 });
await engine.dispose();
console.log(JSON.stringify({ score: result.score, phones: result.phones.length, languages: g2pLanguages().length }));
EOF
run node library.mjs "$recording" > library.json
node - "$package" <<'EOF'
const { readFileSync } = require('node:fs');
const pkg = process.argv[2];
const assess = JSON.parse(readFileSync('assess.json', 'utf8'));
const ipa = JSON.parse(readFileSync('ipa.json', 'utf8'));
const library = JSON.parse(readFileSync('library.json', 'utf8'));
const version = readFileSync('version.txt', 'utf8').trim();
const problems = [];
if (!(assess.phones?.length > 10 && assess.phones.length === library.phones && assess.score > 0.5)) problems.push(`assess: ${JSON.stringify(assess).slice(0, 300)}`);
if (!/l.*eɪ.*l/.test(ipa.ipa_phonemes ?? '')) problems.push(`ipa: ${JSON.stringify(ipa).slice(0, 300)}`);
if (library.languages < 50) problems.push(`library: ${JSON.stringify(library)}`);
if (version !== JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8')).version) problems.push(`--version printed ${version}`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`consumer project: assess score ${assess.score.toFixed(3)} over ${assess.phones.length} phones, ipa ${ipa.ipa_phonemes}, ${library.languages} G2P languages, --version ${version}`);
EOF
echo "the packed tarball installs with install scripts disabled and runs with nothing but node on PATH"
