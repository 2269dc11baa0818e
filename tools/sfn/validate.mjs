// validate.mjs FILE...: checks each state machine definition with
// asl-validator (paths and ARNs too) and with the rules asl-validator does
// not know (Retry BackoffRate >= 1). A file may be a golden file of flowc's
// step-functions target, whose "# ---- NAME ----" sections hold several
// files: only the *.asl.json sections are checked. Prints one line per
// machine; exits 1 when any is invalid.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const validator = require('asl-validator');

// machines returns [name, definition text] for each machine in a file.
function machines(path) {
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('# ---- ')) return [[path, text]];
  const out = [];
  const parts = text.split(/^# ---- (.+) ----\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    if (parts[i].endsWith('.asl.json')) out.push([`${path}:${parts[i]}`, parts[i + 1]]);
  }
  return out;
}

// backoff finds Retry entries with BackoffRate < 1, anywhere.
function backoff(node, where, errs) {
  if (Array.isArray(node)) { node.forEach((n, i) => backoff(n, `${where}[${i}]`, errs)); return; }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'Retry' && Array.isArray(v)) {
      v.forEach((r, i) => { if (r.BackoffRate !== undefined && r.BackoffRate < 1) errs.push(`${where}.Retry[${i}]: BackoffRate ${r.BackoffRate} is below 1`); });
    }
    backoff(v, `${where}.${k}`, errs);
  }
}

let bad = 0, n = 0;
for (const path of process.argv.slice(2)) {
  const found = machines(path);
  if (found.length === 0) { console.log(`✕ ${path}: no state machine in it`); bad++; continue; }
  for (const [name, text] of found) {
    n++;
    let def;
    try { def = JSON.parse(text); } catch (e) { console.log(`✕ ${name}: not JSON: ${e.message}`); bad++; continue; }
    const { isValid, errorsText } = validator(def, { checkPaths: true, checkArn: true });
    const errs = [];
    if (!isValid) errs.push(errorsText('\n  '));
    backoff(def, '$', errs);
    if (errs.length) { console.log(`✕ ${name}:\n  ${errs.join('\n  ')}`); bad++; }
    else console.log(`✓ ${name}`);
  }
}
console.log(`${n - bad} valid, ${bad} invalid`);
process.exit(bad ? 1 : 0);
