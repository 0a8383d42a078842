// pix-utils (npm): "parse, generate and validate payments of Brazil Instant Payment System (Pix)".
//   validate (profile pix) <- parsePix(payload) then hasError(result): an error object is "invalid",
//   its message the violation. No parse op: parsePix returns named Pix fields, not the TLV tree.
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const pix = require('pix-utils');

serve({
  name: 'pix-utils', version: packageVersion(__dirname, 'pix-utils'), profiles: ['pix'],
  ops: {
    validate({ payload }) {
      const parsed = pix.parsePix(payload);
      if (pix.hasError(parsed)) return { valid: false, violations: [{ rule: 'pix-utils', message: parsed.message }] };
      return { valid: true, violations: [] };
    },
  },
});
