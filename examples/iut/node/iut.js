#!/usr/bin/env node
// example-node: a small, self-contained EMV MPM implementation under test for qrinterop.
//
// Protocol (DESIGN.md §4, jsonl transport): one JSON request per line on stdin,
//   {"id": n, "op": "hello"|"parse"|"build"|"validate", ...fields}
// one JSON answer per line on stdout, in request order:
//   {"id": n, "ok": true, "result": {...}}  or  {"id": n, "ok": false, "error": {"code", "message"}}
// The process exits when stdin closes. Node 20 built-ins only, no npm packages.
//
// Lengths are counted in Unicode code points (EMV MPM §4.4.1.1: "number of characters"), so the
// payload is handled as an array of code points, never as UTF-16 units: "𠮷" is one character.
// The CRC is CRC-16/CCITT-FALSE over the UTF-8 bytes (§4.7.3).
'use strict';

const HELLO = {
  name: 'example-node',
  version: '0.1.0',
  ops: ['hello', 'parse', 'build', 'validate'],
  profiles: ['emv'],
};

// ---------------------------------------------------------------- CRC

function crc16CcittFalse(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

function crcHex(text) {
  return crc16CcittFalse(Buffer.from(text, 'utf8')).toString(16).toUpperCase().padStart(4, '0');
}

// ---------------------------------------------------------------- TLV

class MpmError extends Error {
  constructor(rule, message) {
    super(message);
    this.rule = rule;
  }
}

const isDigits = (s) => /^[0-9]+$/.test(s);

// Which data objects hold nested data objects (notes §1, §3): 26–51, 62, 64, 80–99 at the
// root, and 50–99 inside the Additional Data Field Template 62.
function isTemplate(parentPath, id) {
  const n = Number(id);
  if (parentPath === '') return (n >= 26 && n <= 51) || n === 62 || n === 64 || n >= 80;
  if (parentPath === '62') return n >= 50;
  return false;
}

// Tokenize one level, and the templates in it. `chars` is an array of code points; `base` is
// the character offset of chars[0] in the whole payload so messages can say where. Returns {objects, errors}:
// each object {id, value, offset, path}; tokenizing stops at the first error that makes the
// rest unreadable (bad id, bad length digits, truncation). An empty value (LEN "00") is an
// error too but the rest stays readable, so it is recorded and tokenizing goes on.
function tokenize(chars, base, parentPath) {
  const objects = [];
  const errors = [];
  let i = 0;
  while (i < chars.length) {
    const at = base + i;
    const where = parentPath ? `in ${parentPath} at offset ${at}` : `at offset ${at}`;
    if (chars.length - i < 4) {
      errors.push({ rule: 'mpm.tlv.truncated', message: `data object header ${where} needs 4 characters, ${chars.length - i} left` });
      break;
    }
    const id = chars.slice(i, i + 2).join('');
    const len = chars.slice(i + 2, i + 4).join('');
    if (!/^[0-9]{2}$/.test(id)) {
      errors.push({ rule: 'mpm.tlv.id', message: `id ${JSON.stringify(id)} ${where} is not two digits` });
      break;
    }
    const path = parentPath ? `${parentPath}.${id}` : id;
    if (!/^[0-9]{2}$/.test(len)) {
      errors.push({ rule: 'mpm.tlv.length', message: `length ${JSON.stringify(len)} of ${path} ${where} is not two digits` });
      break;
    }
    const n = Number(len);
    if (n === 0) {
      // Same ids as the reference: an empty 62 breaks "62 holds at least one object" (§4.8.1.1).
      const rule = path === '62' ? 'mpm.adf.nonempty' : 'mpm.tlv.empty';
      errors.push({ rule, message: `length of ${path} ${where} is 00; a present object must hold 1..99 characters` });
    }
    if (i + 4 + n > chars.length) {
      errors.push({ rule: 'mpm.tlv.truncated', message: `${path} ${where} declares ${n} characters but only ${chars.length - i - 4} remain` });
      break;
    }
    const node = { id, value: chars.slice(i + 4, i + 4 + n).join(''), offset: at + 4, path, chars: chars.slice(i + 4, i + 4 + n) };
    if (isTemplate(parentPath, id) && n > 0) {
      // Depth first, so errors come out in the order they appear in the payload.
      const sub = tokenize(node.chars, node.offset, path);
      node.children = sub.objects;
      errors.push(...sub.errors);
    }
    objects.push(node);
    i += 4 + n;
  }
  return { objects, errors };
}

// Tokenize the whole payload: the root and, through tokenize(), every template below it.
// `broken` says the structure could not be read to the end (not just an empty value).
function tokenizeTree(payload) {
  const chars = Array.from(payload);
  const root = tokenize(chars, 0, '');
  const broken = root.errors.some((e) => ['mpm.tlv.id', 'mpm.tlv.length', 'mpm.tlv.truncated'].includes(e.rule));
  return { chars, objects: root.objects, errors: root.errors, broken };
}

// Each id at most once under the root and once per template (§4.3.1.2).
function duplicates(nodes) {
  const found = [];
  const seen = new Set();
  for (const node of nodes) {
    if (seen.has(node.id)) found.push({ rule: 'mpm.tlv.duplicate', message: `id ${node.path} appears more than once` });
    seen.add(node.id);
    if (node.children) found.push(...duplicates(node.children));
  }
  return found;
}

function toWire(nodes) {
  return nodes.map((n) => (n.children ? { id: n.id, children: toWire(n.children) } : { id: n.id, value: n.value }));
}

// ---------------------------------------------------------------- ops

function opParse(req) {
  const mode = req.mode === undefined ? 'mpm' : req.mode;
  if (mode === 'cpm') throw new MpmError('unsupported', 'consumer-presented mode (cpm) is not implemented by example-node');
  if (mode !== 'mpm') throw new MpmError('bad_request', `mode must be "mpm" or "cpm", got ${JSON.stringify(mode)}`);
  if (typeof req.payload !== 'string') throw new MpmError('bad_request', 'payload must be a string');
  const tree = tokenizeTree(req.payload);
  const errors = tree.errors.length ? tree.errors : duplicates(tree.objects);
  if (errors.length) throw new MpmError(errors[0].rule, errors[0].message);
  return { objects: toWire(tree.objects) };
}

function encodeObjects(objects, path, depth = 0) {
  if (!Array.isArray(objects)) throw new MpmError('bad_request', `objects${path ? ' of ' + path : ''} must be a list`);
  if (depth > 3) throw new MpmError('bad_request', `templates nested deeper than EMV MPM allows at ${path}`);
  let out = '';
  const seen = new Set();
  for (const obj of objects) {
    if (obj === null || typeof obj !== 'object') throw new MpmError('bad_request', `each object${path ? ' in ' + path : ''} must be a JSON object`);
    if (typeof obj.id !== 'string' || !/^[0-9]{2}$/.test(obj.id)) {
      throw new MpmError('mpm.tlv.id', `id ${JSON.stringify(obj.id)}${path ? ' in ' + path : ''} is not two digits`);
    }
    const here = path ? `${path}.${obj.id}` : obj.id;
    if (path === '' && obj.id === '63') continue; // the CRC is always recomputed and appended last
    if (seen.has(obj.id)) throw new MpmError('mpm.tlv.duplicate', `id ${here} appears twice`);
    seen.add(obj.id);
    let value;
    if (obj.children !== undefined) value = encodeObjects(obj.children, here, depth + 1);
    else if (typeof obj.value === 'string') value = obj.value;
    else throw new MpmError('bad_request', `object ${here} needs a string "value" or a "children" list`);
    const n = Array.from(value).length;
    if (n === 0) throw new MpmError('mpm.tlv.empty', `value of ${here} is empty; omit the object instead`);
    if (n > 99) throw new MpmError('mpm.field.length', `value of ${here} has ${n} characters; at most 99 fit`);
    out += obj.id + String(n).padStart(2, '0') + value;
  }
  return out;
}

function opBuild(req) {
  const mode = req.mode === undefined ? 'mpm' : req.mode;
  if (mode === 'cpm') throw new MpmError('unsupported', 'consumer-presented mode (cpm) is not implemented by example-node');
  if (mode !== 'mpm') throw new MpmError('bad_request', `mode must be "mpm" or "cpm", got ${JSON.stringify(mode)}`);
  // 00 goes first (EMV MPM §4.6.1.1); every other object keeps the order it was given in.
  const objects = Array.isArray(req.objects)
    ? [...req.objects.filter((o) => o && o.id === '00'), ...req.objects.filter((o) => !(o && o.id === '00'))]
    : req.objects;
  const body = encodeObjects(objects, '') + '6304';
  return { payload: body + crcHex(body) };
}

// ---------------------------------------------------------------- validation (profile emv)

const ANS = /^[\x20-\x7e]*$/;
const AMOUNT = /^(?=.*[1-9])[0-9]+(\.[0-9]*)?$/; // notes §4.4: digits, at most one ".", not zero

// Data dictionary (notes §2, §3): [format, min length, max length] of every primitive object.
// N = digits, ans = printable ASCII 0x20-0x7E, S = any character except controls.
const pad = (n) => String(n).padStart(2, '0');
const range = (lo, hi, spec, into) => { for (let n = lo; n <= hi; n++) into[pad(n)] = spec; };
const ROOT_FIELDS = {
  '00': ['N', 2, 2], '01': ['N', 2, 2], '52': ['N', 4, 4], '53': ['N', 3, 3],
  '54': ['ans', 1, 13], '55': ['N', 2, 2], '56': ['ans', 1, 13], '57': ['ans', 1, 5],
  '58': ['ans', 2, 2], '59': ['ans', 1, 25], '60': ['ans', 1, 15], '61': ['ans', 1, 10],
};
range(2, 25, ['ans', 1, 99], ROOT_FIELDS); // primitive MAI (Visa, Mastercard, ...)
range(65, 79, ['S', 1, 99], ROOT_FIELDS); // RFU: tolerated when read
const ADF_FIELDS = { '09': ['ans', 1, 3], '10': ['ans', 1, 99], '11': ['ans', 1, 99] };
range(1, 8, ['ans', 1, 25], ADF_FIELDS);
range(12, 49, ['S', 1, 99], ADF_FIELDS);
const LANGUAGE_FIELDS = { '00': ['ans', 2, 2], '01': ['S', 1, 25], '02': ['S', 1, 15] };
range(3, 99, ['S', 1, 99], LANGUAGE_FIELDS);
const TEMPLATE_FIELDS = { '00': ['ans', 1, 32] }; // 00 = Globally Unique Identifier
range(1, 99, ['S', 1, 99], TEMPLATE_FIELDS);

function fieldSpec(parentPath, id) {
  if (parentPath === '') return ROOT_FIELDS[id];
  if (parentPath === '64') return LANGUAGE_FIELDS[id];
  if (parentPath === '62') return ADF_FIELDS[id];
  return TEMPLATE_FIELDS[id]; // MAI, unreserved and payment-system templates
}

// Templates that must carry a Globally Unique Identifier, sub-ID 00 (§4.7.11.2, §4.8.1.5, §4.11.1.2).
function needsGui(path) {
  const [top, sub] = path.split('.');
  const n = Number(top);
  if (sub === undefined) return (n >= 26 && n <= 51) || n >= 80;
  return top === '62' && Number(sub) >= 50;
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function checkFields(nodes, parentPath, add) {
  for (const node of nodes) {
    if (node.children) {
      if (needsGui(node.path) && !node.children.some((c) => c.id === '00')) {
        add('mpm.template.gui', `template ${node.path} has no sub-ID 00 (Globally Unique Identifier)`);
      }
      checkFields(node.children, node.path, add);
      continue;
    }
    const spec = fieldSpec(parentPath, node.id);
    const n = node.chars.length;
    if (!spec || n === 0 || (parentPath === '' && node.id === '63')) continue;
    const [fmt, min, max] = spec;
    if (n < min || n > max) {
      add('mpm.field.length', `${node.path} has ${n} characters; ${min === max ? min : `${min}..${max}`} required`);
    }
    const shown = JSON.stringify(node.value);
    if (fmt === 'N' && !isDigits(node.value)) add('mpm.field.format', `${node.path} must be digits, got ${shown}`);
    if (fmt === 'ans' && !ANS.test(node.value)) add('mpm.field.format', `${node.path} must be printable ASCII (ans), got ${shown}`);
    if (fmt === 'S' && CONTROL.test(node.value)) add('mpm.field.format', `${node.path} must not hold control characters, got ${shown}`);
  }
}

function validateMpm(payload) {
  const violations = [];
  const add = (rule, message) => violations.push({ rule, message });
  if (payload.length === 0) {
    add('mpm.tlv.truncated', 'payload is empty');
    return violations;
  }
  const tree = tokenizeTree(payload);
  for (const e of tree.errors) add(e.rule, e.message);
  const roots = tree.objects;
  const byId = new Map();
  for (const o of roots) if (!byId.has(o.id)) byId.set(o.id, o);

  // CRC: checked on the raw text, so a broken structure elsewhere does not hide a bad CRC.
  const crcObj = roots.length && roots[roots.length - 1].id === '63' ? roots[roots.length - 1] : null;
  if (!byId.has('63')) {
    const tail = tree.chars.slice(-8);
    if (!tree.broken) {
      add('mpm.crc.present', 'CRC (63) is missing');
    } else if (tail.length === 8 && tail.slice(0, 4).join('') === '6304' && /^[0-9A-Fa-f]{4}$/.test(tail.slice(4).join(''))) {
      // The structure is broken before the CRC; the trailing "6304XXXX" can still be checked.
      const expected = crcHex(tree.chars.slice(0, -4).join(''));
      const found = tail.slice(4).join('');
      if (expected !== found.toUpperCase()) add('mpm.crc.mismatch', `CRC (63) is ${found} but the payload's CRC is ${expected}`);
    }
  } else if (!crcObj) {
    add('mpm.order.crc_last', `CRC (63) must be the last data object; it is followed by ${roots[roots.length - 1].id}`);
  }
  const crc = crcObj || byId.get('63');
  if (crc) {
    if (!/^[0-9A-Fa-f]{4}$/.test(crc.value)) {
      add('mpm.crc.format', `CRC (63) must be 4 hexadecimal digits, got ${JSON.stringify(crc.value)}`);
    } else if (crcObj && crc.chars.length === 4) {
      const covered = tree.chars.slice(0, crc.offset).join('');
      const expected = crcHex(covered);
      if (expected !== crc.value.toUpperCase()) add('mpm.crc.mismatch', `CRC (63) is ${crc.value} but the payload's CRC is ${expected}`);
    }
  }

  if (roots.length) {
    if (roots[0].id !== '00') add('mpm.order.pfi_first', `payload format indicator (00) must come first; the payload starts with ${roots[0].id}`);
    const pfi = byId.get('00');
    if (pfi && pfi.value !== '01') add('mpm.pfi.value', `payload format indicator (00) must be "01", got ${JSON.stringify(pfi.value)}`);
  }
  if (!tree.broken) {
    for (const id of ['00', '52', '53', '58', '59', '60']) {
      if (!byId.has(id)) add('mpm.root.mandatory', `mandatory data object ${id} is missing`);
    }
    if (!roots.some((o) => Number(o.id) >= 2 && Number(o.id) <= 51)) {
      add('mpm.mai.present', 'no merchant account information (an id in 02..51) is present');
    }
  }
  for (const d of duplicates(roots)) add(d.rule, d.message);
  checkFields(roots, '', add);

  const initiation = byId.get('01');
  if (initiation && !['11', '12'].includes(initiation.value)) {
    add('mpm.poi.value', `point of initiation (01) must be "11" or "12", got ${JSON.stringify(initiation.value)}`);
  }
  const country = byId.get('58');
  if (country && !/^[A-Z]{2}$/.test(country.value)) {
    add('mpm.country.format', `country code (58) must be two upper-case letters (ISO 3166-1), got ${JSON.stringify(country.value)}`);
  }
  const amount = byId.get('54');
  if (amount && !AMOUNT.test(amount.value)) add('mpm.amount.format', `transaction amount (54) ${JSON.stringify(amount.value)} is not a non-zero number with at most one "."`);

  // Tip / convenience fee matrix (notes §4.5): 55 decides which of 56 and 57 may be present.
  const tip = byId.get('55');
  const fixed = byId.get('56');
  const pct = byId.get('57');
  const tipValue = tip ? tip.value : null;
  if (tip && !['01', '02', '03'].includes(tipValue)) add('mpm.tip.value', `tip indicator (55) must be 01, 02 or 03, got ${JSON.stringify(tipValue)}`);
  if (tipValue === '02' && !fixed) add('mpm.tip.fixed', 'tip indicator 02 (fixed fee) requires 56');
  if (fixed && tipValue !== '02') add('mpm.tip.fixed', `56 (fixed fee) must be absent unless tip indicator is 02 (it is ${tipValue === null ? 'absent' : tipValue})`);
  if (fixed && !AMOUNT.test(fixed.value)) add('mpm.tip.fixed', `fixed fee (56) ${JSON.stringify(fixed.value)} is not a non-zero number`);
  if (tipValue === '03' && !pct) add('mpm.tip.percentage', 'tip indicator 03 (percentage fee) requires 57');
  if (pct && tipValue !== '03') add('mpm.tip.percentage', `57 (percentage fee) must be absent unless tip indicator is 03 (it is ${tipValue === null ? 'absent' : tipValue})`);
  if (pct) {
    const ok = /^[0-9]{1,2}(\.[0-9]{1,2})?$/.test(pct.value) && Number(pct.value) >= 0.01;
    if (!ok) add('mpm.tip.percentage', `percentage fee (57) ${JSON.stringify(pct.value)} is not in 00.01..99.99`);
  }

  // An empty 62 ("6200") is reported by the tokenizer as mpm.adf.nonempty.
  const adf = byId.get('62');
  if (adf && adf.children) {
    const consumer = adf.children.find((c) => c.id === '09');
    if (consumer && !/^(?!.*(.).*\1)[AME]{1,3}$/.test(consumer.value)) {
      add('mpm.adf.consumer_request', `62.09 must be a combination of A, M, E each at most once, got ${JSON.stringify(consumer.value)}`);
    }
  }
  const language = byId.get('64');
  if (language && language.children) {
    for (const sub of ['00', '01']) {
      if (!language.children.some((c) => c.id === sub)) add('mpm.lang.required', `language template (64) has no 64.${sub}`);
    }
    const code = language.children.find((c) => c.id === '00');
    if (code && !/^[A-Za-z]{2}$/.test(code.value)) add('mpm.lang.code', `64.00 must be two letters (ISO 639-1), got ${JSON.stringify(code.value)}`);
  }
  return violations;
}

function opValidate(req) {
  if (typeof req.payload !== 'string') throw new MpmError('bad_request', 'payload must be a string');
  const profile = req.profile === undefined ? 'emv' : req.profile;
  if (profile !== 'emv') throw new MpmError('unsupported', `profile ${JSON.stringify(profile)} is not implemented; only "emv"`);
  const violations = validateMpm(req.payload);
  return { valid: violations.length === 0, violations };
}

const OPS = { hello: () => HELLO, parse: opParse, build: opBuild, validate: opValidate };

// ---------------------------------------------------------------- I/O shell

function answer(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, ok: false, error: { code: 'bad_request', message: `request is not JSON: ${e.message}` } };
  }
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    return { id: null, ok: false, error: { code: 'bad_request', message: 'request must be a JSON object' } };
  }
  const id = req.id === undefined ? null : req.id;
  if (typeof req.op !== 'string' || !Object.prototype.hasOwnProperty.call(OPS, req.op)) {
    return { id, ok: false, error: { code: 'unknown_op', message: `unknown op ${JSON.stringify(req.op)}` } };
  }
  try {
    return { id, ok: true, result: OPS[req.op](req) };
  } catch (e) {
    const code = e instanceof MpmError ? e.rule : 'internal';
    return { id, ok: false, error: { code, message: e.message } };
  }
}

// Lines end at "\n" only (readline would also split at a lone "\r", which is not the protocol).
// Bytes are collected per line and decoded once, so a character split across reads stays whole.
let pending = [];
function onLine(bytes) {
  const line = bytes.toString('utf8').replace(/\r$/, '');
  if (line.trim() === '') return;
  // Writes to a pipe are synchronous on Linux, so each answer is flushed before the next line.
  process.stdout.write(JSON.stringify(answer(line)) + '\n');
}
process.stdin.on('data', (chunk) => {
  let start = 0;
  let nl;
  while ((nl = chunk.indexOf(10, start)) !== -1) {
    pending.push(chunk.subarray(start, nl));
    onLine(Buffer.concat(pending));
    pending = [];
    start = nl + 1;
  }
  if (start < chunk.length) pending.push(chunk.subarray(start));
});
process.stdin.on('end', () => {
  if (pending.length) onLine(Buffer.concat(pending));
  // Node exits by itself once stdin has closed and the last answer is written.
});
