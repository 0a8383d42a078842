// bakong-khqr (npm): the KHQR JavaScript SDK published by the National Bank of Cambodia.
//   validate (profile khqr) <- BakongKHQR.verify(payload).isValid. verify gives no reason, and
//   BakongKHQR.decode is not called for one: decode loops forever on some broken payloads
//   (interop/findings.json F6), which would charge verify with decode's hang.
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const { BakongKHQR } = require('bakong-khqr');

serve({
  name: 'bakong-khqr', version: packageVersion(__dirname, 'bakong-khqr'), profiles: ['khqr'],
  ops: {
    validate({ payload }) {
      if (BakongKHQR.verify(payload).isValid) return { valid: true, violations: [] };
      return { valid: false, violations: [{ rule: 'bakong-khqr.verify', message: 'verify().isValid is false' }] };
    },
  },
});
