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

describe('vendor event topics', () => {
  const ruleSource =
    '<tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="V1"/>' +
    '<tt:SimpleItem Name="VideoAnalyticsConfigurationToken" Value="A1"/><tt:SimpleItem Name="Rule" Value="R"/></tt:Source>';
  const msg = (topic: string, data: string, op = 'Changed', source = ruleSource): string =>
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="x">${topic}</wsnt:Topic><wsnt:Message>` +
    `<tt:Message UtcTime="2026-01-01T00:00:01Z"${op ? ` PropertyOperation="${op}"` : ''}>${source}` +
    `<tt:Data>${data}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`;
  const item = (name: string, value: string) => `<tt:SimpleItem Name="${name}" Value="${value}"/>`;

  it.each([
    ['tns1:RuleEngine/CellMotionDetector/Motion', item('IsMotion', 'true'), 'motion'],
    ['tns1:VideoSource/MotionAlarm', item('State', 'true'), 'motion'],
    ['tns1:RuleEngine/FieldDetector/ObjectsInside', item('IsInside', 'true'), 'intrusion'],
    ['tnsvendor:RuleEngine/FieldDetector/ObjectsInside', item('IsInside', 'true'), 'intrusion'],
    ['tns1:RuleEngine/TamperDetector/Tamper', item('IsTamper', 'true'), 'tampering'],
    ['tns1:VideoSource/GlobalSceneChange/ImagingService', item('State', 'true'), 'tampering'],
    ['tns1:Device/Trigger/DigitalInput', item('LogicalState', 'true'), 'digital_input'],
  ])('%s → %s', (topic, data, type) => {
    const edges = new EdgeDetector();
    expect(pull(msg(topic, data)).map((n) => edges.accept(n)?.type)).toEqual([type]);
  });

  it('raises every line crossing (an event, not a state)', () => {
    const edges = new EdgeDetector();
    const crossed = msg('tns1:RuleEngine/LineDetector/Crossed', item('ObjectId', '7'), '');
    expect(pull(crossed, crossed).map((n) => edges.accept(n)?.type)).toEqual([
      'line_crossing',
      'line_crossing',
    ]);
  });

  it('ignores a state that turns false and topics it does not know', () => {
    const edges = new EdgeDetector();
    expect(
      pull(
        msg('tns1:RuleEngine/FieldDetector/ObjectsInside', item('IsInside', 'false')),
        msg('tns1:Monitoring/ProcessorUsage', item('Value', '80')),
      ).map((n) => edges.accept(n)),
    ).toEqual([undefined, undefined]);
  });
});
