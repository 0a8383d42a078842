// ts-khqr (npm): "Bakong KHQR TypeScript".
//   validate (profile khqr) <- KHQR.verifyDetail(payload): data.isValid, status.message as the reason.
'use strict';
const { serve, packageVersion } = require('../_lib/jsonl');
const { KHQR } = require('ts-khqr');

serve({
  name: 'ts-khqr', version: packageVersion(__dirname, 'ts-khqr'), profiles: ['khqr'],
  ops: {
    validate({ payload }) {
      const answer = KHQR.verifyDetail(payload);
      if (answer && answer.data && answer.data.isValid) return { valid: true, violations: [] };
      const status = (answer && answer.status) || {};
      return { valid: false, violations: [{ rule: 'ts-khqr.' + (status.errorCode ?? 'invalid'), message: status.message || 'isValid false' }] };
    },
  },
});
