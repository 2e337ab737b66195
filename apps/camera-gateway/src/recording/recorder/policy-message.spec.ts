import { policyMessageCameraId } from './recorder.service';

describe('recordingPolicyChannel messages', () => {
  it("reads the api's JSON announcement and a bare camera id alike", () => {
    const id = '0b6c1a52-3c7e-4b8e-9f0a-1d2e3f405162';
    expect(policyMessageCameraId(JSON.stringify({ cameraId: id }))).toBe(id);
    expect(policyMessageCameraId(id)).toBe(id);
    expect(policyMessageCameraId('{"other":1}')).toBe('{"other":1}');
  });
});
