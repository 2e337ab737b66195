import { PROFILES, SimCamera, StreamProfile, VIDEO_SOURCE_CONFIG_TOKEN } from '../camera';
import { xmlEscape } from '../soap';
import { ptzConfig } from './ptz-service';
import { ok, profileOf, SoapAction, SoapReply } from './soap-action';

/** The ONVIF media service (trt); undefined for an action it does not have. */
export function mediaAction(action: string, { cam, b }: SoapAction): SoapReply | undefined {
  switch (action) {
    case 'GetProfiles':
      return ok(
        `<trt:GetProfilesResponse>${Object.values(PROFILES)
          .map((p) => profileXml(cam, 'trt:Profiles', p))
          .join('')}</trt:GetProfilesResponse>`,
      );
    case 'GetProfile':
      return ok(
        `<trt:GetProfileResponse>${profileXml(cam, 'trt:Profile', profileOf(b))}</trt:GetProfileResponse>`,
      );
    case 'GetVideoSources':
      return ok(
        `<trt:GetVideoSourcesResponse><trt:VideoSources token="VideoSource_1"><tt:Framerate>${PROFILES.main.fps}</tt:Framerate>` +
          `<tt:Resolution><tt:Width>${PROFILES.main.width}</tt:Width><tt:Height>${PROFILES.main.height}</tt:Height></tt:Resolution>` +
          `</trt:VideoSources></trt:GetVideoSourcesResponse>`,
      );
    case 'GetVideoSourceConfigurations':
      return ok(
        `<trt:GetVideoSourceConfigurationsResponse>${videoSourceConfig('trt:Configurations')}</trt:GetVideoSourceConfigurationsResponse>`,
      );
    case 'GetVideoEncoderConfigurations':
      return ok(
        `<trt:GetVideoEncoderConfigurationsResponse>${Object.values(PROFILES)
          .map((p) => encoderConfig(cam, 'trt:Configurations', p))
          .join('')}</trt:GetVideoEncoderConfigurationsResponse>`,
      );
    case 'GetStreamUri': {
      const p = profileOf(b);
      // Real cameras hand out the RTSP URI whatever transport was asked for; clients pick TCP/UDP in SETUP.
      return ok(
        `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${xmlEscape(cam.rtspUrl(p.kind))}</tt:Uri>` +
          `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
          `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`,
      );
    }
    case 'GetSnapshotUri': {
      if (cam.behaviour.minimal) return undefined;
      const p = profileOf(b);
      return ok(
        `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${xmlEscape(cam.snapshotUrl(p.kind))}</tt:Uri>` +
          `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
          `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`,
      );
    }
    default:
      return undefined;
  }
}

function videoSourceConfig(tag: string): string {
  return (
    `<${tag} token="${VIDEO_SOURCE_CONFIG_TOKEN}"><tt:Name>${VIDEO_SOURCE_CONFIG_TOKEN}</tt:Name><tt:UseCount>2</tt:UseCount>` +
    `<tt:SourceToken>VideoSource_1</tt:SourceToken>` +
    `<tt:Bounds x="0" y="0" width="${PROFILES.main.width}" height="${PROFILES.main.height}"/></${tag}>`
  );
}

function encoderConfig(_cam: SimCamera, tag: string, p: StreamProfile): string {
  // Media (ver10) has no word for H.265 (its enum is JPEG, MPEG4, H264): an H.265 camera says
  // H264 here, as real ones do, and tells the truth only through Media2.
  return (
    `<${tag} token="${p.encoderToken}"><tt:Name>${p.encoderToken}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>H264</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
    `<tt:Quality>4</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit>` +
    `<tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${p.gop}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>` +
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address>` +
    `<tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></${tag}>`
  );
}

function profileXml(cam: SimCamera, tag: string, p: StreamProfile): string {
  return (
    `<${tag} token="${p.token}" fixed="true"><tt:Name>${p.name}</tt:Name>` +
    videoSourceConfig('tt:VideoSourceConfiguration') +
    encoderConfig(cam, 'tt:VideoEncoderConfiguration', p) +
    (cam.ptz ? ptzConfig('tt:PTZConfiguration') : '') +
    `</${tag}>`
  );
}
