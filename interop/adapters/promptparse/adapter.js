// promptparse (npm): "All-in-one JS library for PromptPay & EMVCo QR Codes".
//   parse    <- parse(payload, strict=false, subTags=true).getTags()   (null: refused)
//   validate <- parse(payload, strict=true, subTags=true) and .validate('63') (the CRC);
//               profile promptpay also needs validate.anyId or validate.billPayment to accept it
//   build    <- withCrcTag(encode(tags), '63', true) with tag(id, value) per object
'use strict';
const { serve, isTemplate, checkObjects, packageVersion } = require('../_lib/jsonl');
const pp = require('promptparse');

function toObjects(tags, parentId) {
  return tags.map((t) => (isTemplate(t.id, parentId) && t.subTags && t.subTags.length)
    ? { id: t.id, children: toObjects(t.subTags, t.id) }
    : { id: t.id, value: t.value });
}

function toTags(objects) {
  return objects.filter((o) => o.id !== '63')
    .map((o) => pp.tag(o.id, o.children ? pp.encode(toTags(o.children)) : o.value));
}

serve({
  name: 'promptparse', version: packageVersion(__dirname, 'promptparse'), profiles: ['emv', 'promptpay'],
  ops: {
    parse({ payload, mode }) {
      if (mode === 'cpm') return { error: { code: 'unsupported', message: 'promptparse reads MPM only' } };
      const qr = pp.parse(payload, false, true);
      if (!qr) return { error: { code: 'refused', message: 'parse() returned null' } };
      return { objects: toObjects(qr.getTags()) };
    },
    validate({ payload, profile }) {
      const qr = pp.parse(payload, true, true);
      if (!qr) return { valid: false, violations: [{ rule: 'promptparse.parse', message: 'parse(strict) returned null' }] };
      if (!qr.validate('63')) return { valid: false, violations: [{ rule: 'promptparse.crc', message: 'validate(63) false' }] };
      if (profile === 'promptpay' && !pp.validate.anyId(payload) && !pp.validate.billPayment(payload)) {
        return { valid: false, violations: [{ rule: 'promptparse.promptpay', message: 'neither anyId nor billPayment accepts it' }] };
      }
      return { valid: true, violations: [] };
    },
    build({ objects, mode }) {
      if (mode === 'cpm') return { error: { code: 'unsupported', message: 'promptparse builds MPM only' } };
      const why = checkObjects(objects);
      if (why) return { error: { code: 'bad_request', message: why } };
      return { payload: pp.withCrcTag(pp.encode(toTags(objects)), '63', true) };
    },
  },
});
