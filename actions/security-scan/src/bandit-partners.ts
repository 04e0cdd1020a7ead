import { banditIdOfRuff } from './bandit-rules.js';
import type { RawFinding } from './model.js';

/**
 * ruff's flake8-bandit rules are bandit's tests: a ruff `S<nnn>` finding on the same file and
 * line as a bandit `B<nnn>` finding is the same finding, reported twice. Returns, per code
 * finding, the index of the bandit finding it repeats, or −1.
 */
export function banditPartners(code: readonly RawFinding[]): Int32Array {
  const partners = new Int32Array(code.length).fill(-1);
  const bandit = new Map<string, number>();
  let ruff = false;
  for (let i = 0; i < code.length; i++) {
    const f = code[i] as RawFinding;
    if (f.tool === 'ruff') ruff = true;
    else if (f.tool === 'bandit' && f.location?.line !== undefined) {
      const key = `${f.location.path}\u0000${f.location.line}\u0000${f.ruleId}`;
      if (!bandit.has(key)) bandit.set(key, i);
    }
  }
  // Most scans have no ruff report: nothing more to look at.
  if (!ruff || bandit.size === 0) return partners;
  for (let i = 0; i < code.length; i++) {
    const f = code[i] as RawFinding;
    if (f.tool !== 'ruff' || f.location?.line === undefined) continue;
    const id = banditIdOfRuff(f.ruleId);
    if (id === undefined) continue;
    partners[i] = bandit.get(`${f.location.path}\u0000${f.location.line}\u0000${id}`) ?? -1;
  }
  return partners;
}
