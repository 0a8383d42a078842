// vietnam-qr-pay (npm): "Encode/Decode VietQR and VNPAY-QR".
//   validate (profile vietqr) <- new QRPay(payload).isValid (the library's own decode-and-check).
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const { QRPay } = require('vietnam-qr-pay');

serve({
  name: 'vietnam-qr-pay (npm)', version: packageVersion(__dirname, 'vietnam-qr-pay'), profiles: ['vietqr'],
  ops: {
    validate({ payload }) {
      const qr = new QRPay(payload);
      if (qr.isValid) return { valid: true, violations: [] };
      return { valid: false, violations: [{ rule: 'vietnam-qr-pay.isValid', message: 'QRPay(payload).isValid is false' }] };
    },
  },
});
