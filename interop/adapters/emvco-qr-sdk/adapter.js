// emvco-qr-sdk (npm): "decoding, validating, and processing EMVCo-compliant QR codes".
//   parse    <- parseQR(payload) (TLV mode, recursive): its TlvEntity tree; a throw is a refusal
//   validate <- validateQRString(payload) (TLV format) then getCrcInfo(payload, tlvs).isValid
'use strict';
const { serve, isTemplate, packageVersion } = require('../_lib/jsonl');
const sdk = require('emvco-qr-sdk');

function toObjects(tlvs, parentId) {
  return tlvs.map((t) => (isTemplate(t.tag, parentId) && t.subTags && t.subTags.length)
    ? { id: t.tag, children: toObjects(t.subTags, t.tag) }
    : { id: t.tag, value: t.value });
}

serve({
  name: 'emvco-qr-sdk', version: packageVersion(__dirname, 'emvco-qr-sdk'), profiles: ['emv'],
  ops: {
    parse({ payload, mode }) {
      if (mode === 'cpm') return { error: { code: 'unsupported', message: 'MPM only' } };
      return { objects: toObjects(sdk.parseQR(payload)) };
    },
    validate({ payload }) {
      try {
        sdk.validateQRString(payload);
      } catch (e) {
        return { valid: false, violations: [{ rule: 'emvco-qr-sdk.format', message: e.message }] };
      }
      const crc = sdk.getCrcInfo(payload, sdk.parseQR(payload));
      if (!crc.isValid) return { valid: false, violations: [{ rule: 'emvco-qr-sdk.crc', message: `CRC ${crc.value} invalid` }] };
      return { valid: true, violations: [] };
    },
  },
});
