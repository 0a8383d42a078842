// steplix-emvqr (npm): "Decode emv qr code specification for payments".
//   validate (profile emv) <- decode(payload) returns (accepted) or throws (refused, e.g.
//   "Checksum validation failed."): the library's own acceptance check, as a scanner uses it.
//   No parse op: decode returns an object keyed by id, so the order of data objects (and any
//   repeated id) is not reported and a tree cannot be given faithfully.
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const { decode } = require('steplix-emvqr');

serve({
  name: 'steplix-emvqr', version: packageVersion(__dirname, 'steplix-emvqr'), profiles: ['emv'],
  ops: {
    validate({ payload }) {
      try {
        decode(payload);
      } catch (e) {
        return { valid: false, violations: [{ rule: 'steplix-emvqr.decode', message: String(e.message || e) }] };
      }
      return { valid: true, violations: [] };
    },
  },
});
