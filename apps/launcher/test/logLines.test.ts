import { isRoutineOpsCall } from '../src/logLines';

describe('the lines pnpm start leaves out', () => {
  const call = (method: string, status: string) =>
    JSON.stringify({ level: 30, msg: 'call', method, peer: 'monitor/monitor', status });

  it('hides the console’s successful status calls, and nothing else', () => {
    expect(isRoutineOpsCall(call('/strife.v1.OpsService/GetStatus', 'OK'))).toBe(true);
    expect(isRoutineOpsCall(call('/strife.v1.OpsService/LookupPayment', 'OK'))).toBe(true);
    expect(isRoutineOpsCall(call('/strife.v1.OpsService/GetStatus', 'PERMISSION_DENIED'))).toBe(
      false,
    );
    expect(isRoutineOpsCall(call('/strife.v1.GatewayService/Pay', 'OK'))).toBe(false);
    expect(isRoutineOpsCall('plain text about /strife.v1.OpsService/ calls')).toBe(false);
  });
});
