// Where the exporters' venv (tools/export/setup-venv.sh) is: $EXPORT_VENV when set (only there),
// else venv-export beside the repository (or beside its parent, for a git worktree). Under
// CI=true it counts only when EXPORT_VENV names it, so a venv left on a machine never changes CI.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ExportVenv {
  /** Its python, when found and allowed. */
  python?: string;
  /** Why there is none: the places looked at, or CI. */
  reason: string;
}

export function exportVenv(root: string): ExportVenv {
  if (process.env.CI && !process.env.EXPORT_VENV) {
    return { reason: "under CI (the exporters' venv is not part of CI; EXPORT_VENV=DIR runs them)" };
  }
  const dirs = process.env.EXPORT_VENV ? [process.env.EXPORT_VENV] : [join(root, '..', 'venv-export'), join(root, '..', '..', 'venv-export')];
  const looked = dirs.map((d) => join(d, 'bin', 'python'));
  const python = looked.find((p) => existsSync(p));
  return python ? { python, reason: '' } : { reason: `no exporters' venv (looked for ${looked.join(', ')}; bash tools/export/setup-venv.sh)` };
}
