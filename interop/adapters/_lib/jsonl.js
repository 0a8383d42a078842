// The JSON-lines loop every Node adapter shares (DESIGN §4, jsonl transport).
//
// An adapter calls serve({name, version, profiles, ops}) where ops maps an op name to a function
// (request) => result. A function that throws, or returns {error: {code, message}}, answers
// {"ok": false, "error": …}: the library refused the payload, which is a correct answer for an
// invalid vector. hello is answered from the declaration, so it lists exactly the ops given.
'use strict';
const readline = require('node:readline');

function serve({ name, version, profiles, ops }) {
  const hello = { name, version, ops: ['hello', ...Object.keys(ops)], profiles };
  const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let req;
    try { req = JSON.parse(line); } catch (e) {
      out({ id: null, ok: false, error: { code: 'bad_request', message: 'not JSON: ' + e.message } });
      return;
    }
    const id = req.id;
    if (req.op === 'hello') { out({ id, ok: true, result: hello }); return; }
    const fn = ops[req.op];
    if (!fn) { out({ id, ok: false, error: { code: 'unknown_op', message: `op ${req.op} not implemented` } }); return; }
    try {
      const result = fn(req);
      if (result && result.error) out({ id, ok: false, error: result.error });
      else out({ id, ok: true, result });
    } catch (e) {
      out({ id, ok: false, error: { code: 'library_error', message: String((e && e.message) || e) } });
    }
  });
  rl.on('close', () => process.exit(0));
}

// Templates by id (EMV MPM: 26-51, 62, 64, 80-99 at the root; 50-99 inside 62): where our tree
// has children. The library decides whether it could read a template's sub-objects; an adapter
// that gets none from the library gives the value, and the suite sees the difference.
function isTemplate(id, parentId) {
  const n = Number(id);
  if (parentId === '62') return n >= 50 && n <= 99;
  if (parentId) return false;
  return (n >= 26 && n <= 51) || n === 62 || n === 64 || (n >= 80 && n <= 99);
}

// The version actually installed in the adapter's own node_modules (hello reports it, not a guess).
// Refuse a malformed build request before the library sees it, so that a library exception is
// always the library's: each object needs a string id and a string value or a children list.
function checkObjects(objects, path = 'objects') {
  if (!Array.isArray(objects)) return `${path}: expected a list of objects`;
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if (!o || typeof o !== 'object' || typeof o.id !== 'string') return `${path}[${i}]: expected an object with a string id`;
    if (Array.isArray(o.children)) {
      const why = checkObjects(o.children, `${path}[${i}].children`);
      if (why) return why;
    } else if (typeof o.value !== 'string') return `${path}[${i}] (${o.id}): expected a string value or children`;
  }
  return null;
}

function packageVersion(adapterDir, pkg) {
  const file = require('node:path').join(adapterDir, 'node_modules', pkg, 'package.json');
  return JSON.parse(require('node:fs').readFileSync(file, 'utf8')).version;
}

module.exports = { serve, isTemplate, checkObjects, packageVersion };
