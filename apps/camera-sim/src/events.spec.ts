import { EventBroker, notificationXml, SimEvent } from './events';

const event = (state = true): SimEvent => ({
  topic: 'motion',
  state,
  utcTime: Date.parse('2026-11-23T08:00:00Z'),
  videoSourceConfigurationToken: 'VideoSourceConfig_1',
  rule: 'MyMotionDetectorRule',
});

describe('PullPoint subscriptions', () => {
  it('a held pull completes as soon as an event is published', async () => {
    const broker = new EventBroker();
    const sub = broker.create(Date.now() + 60_000);
    const pulled = sub.pull(10, 30_000);
    expect(broker.publish(event())).toBe(1);
    await expect(pulled).resolves.toEqual([event()]);
  });

  it('returns queued events at once, at most MessageLimit of them', async () => {
    const broker = new EventBroker();
    const sub = broker.create(Date.now() + 60_000);
    broker.publish(event(true));
    broker.publish(event(false));
    broker.publish(event(true));
    expect(await sub.pull(2, 30_000)).toHaveLength(2);
    expect(await sub.pull(2, 30_000)).toHaveLength(1);
  });

  it('an empty pull ends after its timeout', async () => {
    const sub = new EventBroker().create(Date.now() + 60_000);
    await expect(sub.pull(10, 20)).resolves.toEqual([]);
  });

  it('a client hanging up leaves the events for the next pull', async () => {
    const broker = new EventBroker();
    const sub = broker.create(Date.now() + 60_000);
    const hangup = new AbortController();
    const first = sub.pull(10, 30_000, hangup.signal);
    hangup.abort();
    await expect(first).resolves.toEqual([]);
    broker.publish(event());
    await expect(sub.pull(10, 30_000)).resolves.toHaveLength(1);
  });

  it('expired subscriptions are gone and get nothing', () => {
    const broker = new EventBroker();
    const sub = broker.create(Date.now() - 1);
    expect(broker.get(sub.id)).toBeUndefined();
    expect(broker.publish(event())).toBe(0);
  });

  it('renders the ONVIF notification with topic, UtcTime and items', () => {
    const xml = notificationXml(event(false), 'http://127.0.0.1:1/onvif/events_service');
    expect(xml).toContain('>tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic>');
    expect(xml).toContain('UtcTime="2026-11-23T08:00:00Z"');
    expect(xml).toContain(
      '<tt:SimpleItem Name="VideoSourceConfigurationToken" Value="VideoSourceConfig_1"/>',
    );
    expect(xml).toContain('<tt:SimpleItem Name="Rule" Value="MyMotionDetectorRule"/>');
    expect(xml).toContain('<tt:SimpleItem Name="IsMotion" Value="false"/>');
  });
});
