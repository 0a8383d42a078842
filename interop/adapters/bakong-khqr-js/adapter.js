// bakong-khqr (npm): the KHQR JavaScript SDK published by the National Bank of Cambodia.
//   validate (profile khqr) <- BakongKHQR.verify(payload).isValid; when false, the message of
//   BakongKHQR.decode(payload).status (if it gives one) is the violation's text.
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const { BakongKHQR } = require('bakong-khqr');

serve({
  name: 'bakong-khqr', version: packageVersion(__dirname, 'bakong-khqr'), profiles: ['khqr'],
  ops: {
    validate({ payload }) {
      if (BakongKHQR.verify(payload).isValid) return { valid: true, violations: [] };
      let message = 'verify().isValid is false';
      try {
        const status = BakongKHQR.decode(payload).status;
        if (status && status.message) message += ': ' + status.message;
      } catch (e) { message += ' (decode threw: ' + e.message + ')'; }
      return { valid: false, violations: [{ rule: 'bakong-khqr.verify', message }] };
    },
  },
});
