import { PROFILES, SimCamera, StreamProfile, VIDEO_SOURCE_CONFIG_TOKEN } from '../camera';
import { xmlEscape } from '../soap';
import { ok, profileOf, SoapAction, SoapReply } from './soap-action';

/**
 * The ONVIF Media2 service (tr2, ver20), which can say H265: the only place an H.265 camera
 * names its codec truthfully. Offered unless the camera's behaviour turns it off.
 */
export function media2Action(action: string, { cam, b }: SoapAction): SoapReply | undefined {
  switch (action) {
    case 'GetProfiles':
      return ok(
        `<tr2:GetProfilesResponse>${Object.values(PROFILES)
          .map((p) => profile(cam, p))
          .join('')}</tr2:GetProfilesResponse>`,
      );
    case 'GetStreamUri':
      return ok(
        `<tr2:GetStreamUriResponse><tr2:Uri>${xmlEscape(cam.rtspUrl(profileOf(b).kind))}</tr2:Uri></tr2:GetStreamUriResponse>`,
      );
    case 'GetSnapshotUri':
      if (cam.behaviour.minimal) return undefined;
      return ok(
        `<tr2:GetSnapshotUriResponse><tr2:Uri>${xmlEscape(cam.snapshotUrl(profileOf(b).kind))}</tr2:Uri></tr2:GetSnapshotUriResponse>`,
      );
    default:
      return undefined;
  }
}

function profile(cam: SimCamera, p: StreamProfile): string {
  const h265 = cam.identity.codec === 'h265';
  return (
    `<tr2:Profiles token="${p.token}" fixed="true"><tr2:Name>${p.name}</tr2:Name><tr2:Configurations>` +
    `<tr2:VideoSource token="${VIDEO_SOURCE_CONFIG_TOKEN}"><tt:Name>${VIDEO_SOURCE_CONFIG_TOKEN}</tt:Name>` +
    `<tt:UseCount>2</tt:UseCount><tt:SourceToken>VideoSource_1</tt:SourceToken>` +
    `<tt:Bounds x="0" y="0" width="${PROFILES.main.width}" height="${PROFILES.main.height}"/></tr2:VideoSource>` +
    `<tr2:VideoEncoder token="${p.encoderToken}" GovLength="${p.gop}" Profile="${h265 ? 'Main' : 'Baseline'}">` +
    `<tt:Name>${p.encoderToken}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>${h265 ? 'H265' : 'H264'}</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
    `<tt:RateControl ConstantBitRate="false"><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit>` +
    `<tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:Quality>4</tt:Quality></tr2:VideoEncoder>` +
    `</tr2:Configurations></tr2:Profiles>`
  );
}
