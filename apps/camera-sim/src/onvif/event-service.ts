import { MAX_PULL_WAIT_MS, notificationXml, TOPICS } from '../events';
import { child, FAULTS, isoTime, parseDurationMs, textOf } from '../soap';
import { Fault, num, ok, SoapAction, SoapReply } from './soap-action';

const DEFAULT_SUBSCRIPTION_MS = 60_000;
const MAX_SUBSCRIPTION_MS = 60 * 60_000;

/** The ONVIF event service (tev, pull points); undefined for an action it does not have. */
export async function eventAction(
  action: string,
  { cam, b, pullpoint, exchange }: SoapAction,
): Promise<SoapReply | undefined> {
  switch (action) {
    case 'GetEventProperties':
      return ok(eventProperties());
    case 'CreatePullPointSubscription': {
      if (cam.behaviour.refuseSubscriptions)
        throw new Fault({
          code: 'env:Receiver',
          subcode: 'ter:Action',
          reason: 'Maximum number of subscriptions reached',
        });
      const now = Date.now();
      const ms = granted(cam, terminationMs(textOf(child(b, 'InitialTerminationTime')), now));
      const sub = cam.events.create(now + ms);
      return ok(
        `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>` +
          `<wsa:Address>${cam.subscriptionUrl(sub.id)}</wsa:Address></tev:SubscriptionReference>` +
          `<wsnt:CurrentTime>${isoTime(now)}</wsnt:CurrentTime><wsnt:TerminationTime>${isoTime(sub.terminationTime)}</wsnt:TerminationTime>` +
          `</tev:CreatePullPointSubscriptionResponse>`,
      );
    }
    case 'PullMessages': {
      const sub = pullpoint ? cam.events.get(pullpoint) : undefined;
      if (!sub) throw new Fault(FAULTS.resourceUnknown());
      const waitMs = parseDurationMs(textOf(child(b, 'Timeout'))) ?? 10_000;
      const limit = num(textOf(child(b, 'MessageLimit'))) ?? 10;
      // A client that hangs up mid-poll releases the wait without taking queued messages.
      const events = await sub.pull(limit, Math.min(waitMs, MAX_PULL_WAIT_MS), exchange.signal);
      if (exchange.signal.aborted) return { status: 499, body: '' };
      const now = Date.now();
      if (cam.behaviour.pullExtends) sub.terminationTime = now + granted(cam, DEFAULT_SUBSCRIPTION_MS);
      const producer = cam.serviceUrl('events');
      return ok(
        `<tev:PullMessagesResponse><tev:CurrentTime>${isoTime(now)}</tev:CurrentTime>` +
          `<tev:TerminationTime>${isoTime(sub.terminationTime)}</tev:TerminationTime>` +
          events.map((e) => notificationXml(e, producer)).join('') +
          `</tev:PullMessagesResponse>`,
      );
    }
    case 'Renew': {
      if (cam.behaviour.noRenew) throw new Fault(FAULTS.actionNotSupported('Renew'));
      const sub = pullpoint ? cam.events.get(pullpoint) : undefined;
      if (!sub) throw new Fault(FAULTS.resourceUnknown());
      const now = Date.now();
      sub.terminationTime = now + granted(cam, terminationMs(textOf(child(b, 'TerminationTime')), now));
      return ok(
        `<wsnt:RenewResponse><wsnt:TerminationTime>${isoTime(sub.terminationTime)}</wsnt:TerminationTime>` +
          `<wsnt:CurrentTime>${isoTime(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`,
      );
    }
    case 'Unsubscribe': {
      if (!pullpoint || !cam.events.remove(pullpoint)) throw new Fault(FAULTS.resourceUnknown());
      return ok(`<wsnt:UnsubscribeResponse/>`);
    }
    case 'SetSynchronizationPoint':
      return ok(`<tev:SetSynchronizationPointResponse/>`);
    default:
      return undefined;
  }
}

/** What the camera grants of what was asked: some grant far less (a minute, ten seconds). */
function granted(cam: SoapAction['cam'], askedMs: number): number {
  const max = cam.behaviour.maxTerminationS;
  return max === null ? askedMs : Math.min(askedMs, max * 1000);
}

function terminationMs(value: string | undefined, now: number): number {
  const ms = parseDurationMs(value, now);
  if (ms === undefined) return DEFAULT_SUBSCRIPTION_MS;
  if (ms <= 0) throw new Fault(FAULTS.invalidArg('termination time in the past'));
  return Math.min(ms, MAX_SUBSCRIPTION_MS);
}

function eventProperties(): string {
  const desc = (dataItem: string, extraSource = ''): string =>
    `<tt:MessageDescription IsProperty="true"><tt:Source>` +
    `<tt:SimpleItemDescription Name="VideoSourceConfigurationToken" Type="tt:ReferenceToken"/>` +
    `<tt:SimpleItemDescription Name="Rule" Type="xsd:string"/>${extraSource}</tt:Source>` +
    `<tt:Data><tt:SimpleItemDescription Name="${dataItem}" Type="xsd:boolean"/></tt:Data></tt:MessageDescription>`;
  return (
    `<tev:GetEventPropertiesResponse>` +
    `<tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation>` +
    `<wsnt:FixedTopicSet>true</wsnt:FixedTopicSet><wstop:TopicSet>` +
    `<tns1:RuleEngine wstop:topic="true"><CellMotionDetector wstop:topic="true"><Motion wstop:topic="true">${desc(TOPICS.motion.dataItem)}</Motion></CellMotionDetector></tns1:RuleEngine>` +
    `<tns1:VideoSource wstop:topic="true"><GlobalSceneChange wstop:topic="true"><ImagingService wstop:topic="true">${desc(TOPICS.tampering.dataItem)}</ImagingService></GlobalSceneChange></tns1:VideoSource>` +
    `<tns1:Device wstop:topic="true"><Trigger wstop:topic="true"><DigitalInput wstop:topic="true">` +
    desc(
      TOPICS.digital_input.dataItem,
      `<tt:SimpleItemDescription Name="InputToken" Type="tt:ReferenceToken"/>`,
    ) +
    `</DigitalInput></Trigger></tns1:Device>` +
    `</wstop:TopicSet>` +
    `<wsnt:TopicExpressionDialect>http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet</wsnt:TopicExpressionDialect>` +
    `<wsnt:TopicExpressionDialect>http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete</wsnt:TopicExpressionDialect>` +
    `<tev:MessageContentFilterDialect>http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter</tev:MessageContentFilterDialect>` +
    `<tev:MessageContentSchemaLocation>http://www.onvif.org/onvif/ver10/schema/onvif.xsd</tev:MessageContentSchemaLocation>` +
    `</tev:GetEventPropertiesResponse>`
  );
}
