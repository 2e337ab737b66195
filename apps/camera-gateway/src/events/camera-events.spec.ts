import { RawEventSchema } from '@xueliang/contracts';
import { parseNotifications, parseSoap } from '../onvif/soap-response';
import { cameraEvent, EdgeDetector, healthEvent } from './camera-events';

const cam = {
  id: '7f1c8a2e-0000-4000-8000-000000000001',
  name: 'cam',
  regionId: '7f1c8a2e-0000-4000-8000-000000000002',
  lon: 101,
  lat: 38,
};

function message(topic: string, item: string, value: string, time: string, op = 'Changed'): string {
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="x">${topic}</wsnt:Topic><wsnt:Message>` +
    `<tt:Message UtcTime="${time}" PropertyOperation="${op}"><tt:Source><tt:SimpleItem Name="Rule" Value="R"/></tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="${item}" Value="${value}"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}

function pull(...messages: string[]): ReturnType<typeof parseNotifications> {
  const xml =
    `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><tev:PullMessagesResponse>` +
    `<tev:CurrentTime>2026-01-01T00:00:00Z</tev:CurrentTime>${messages.join('')}</tev:PullMessagesResponse></env:Body></env:Envelope>`;
  return parseNotifications(parseSoap(xml)!.body);
}

describe('PullPoint notifications → RawEvents', () => {
  it('raises only rising edges', () => {
    const edges = new EdgeDetector();
    const seen = pull(
      message(
        'tns1:RuleEngine/CellMotionDetector/Motion',
        'IsMotion',
        'false',
        '2026-01-01T00:00:00Z',
        'Initialized',
      ),
      message('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'true', '2026-01-01T00:00:01Z'),
      message('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'true', '2026-01-01T00:00:02Z'),
      message('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'false', '2026-01-01T00:00:03Z'),
      message('tns1:VideoSource/GlobalSceneChange/ImagingService', 'State', 'true', '2026-01-01T00:00:04Z'),
      message('tns1:Device/Trigger/DigitalInput', 'LogicalState', 'true', '2026-01-01T00:00:05Z'),
      message('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'true', '2026-01-01T00:00:06Z'),
    ).flatMap((n) => {
      const e = edges.accept(n);
      return e ? [`${e.type}@${n.utcTime}`] : [];
    });
    expect(seen).toEqual([
      'motion@2026-01-01T00:00:01Z',
      'tampering@2026-01-01T00:00:04Z',
      'digital_input@2026-01-01T00:00:05Z',
      'motion@2026-01-01T00:00:06Z',
    ]);
  });

  it('derives the idempotency key from camera, type and the camera time', () => {
    const e = cameraEvent(cam, 'motion', '2026-01-01T00:00:01Z');
    expect(e.id).toBe(`cam:${cam.id}:motion:2026-01-01T00:00:01.000Z`);
    expect(RawEventSchema.parse(e)).toBeTruthy();
    const off = healthEvent(cam, 'offline', new Date('2026-01-01T00:00:00Z'), 'timeout');
    expect(RawEventSchema.parse(off).recovered).toBe(false);
    expect(healthEvent(cam, 'online', new Date('2026-01-01T00:00:00Z'), null).recovered).toBe(true);
  });
});
