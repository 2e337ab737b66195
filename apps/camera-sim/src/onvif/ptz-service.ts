import { PTZ_CONFIG_TOKEN, PTZ_NODE_TOKEN } from '../camera';
import { PtzVector } from '../ptz';
import { attrOf, child, isoTime, parseDurationMs, textOf, XmlValue, xmlEscape } from '../soap';
import { Fault, num, ok, profileOf, ptzOf, SoapAction, SoapReply } from './soap-action';

const PT_SPACE = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces';
const Z_SPACE = 'http://www.onvif.org/ver10/tptz/ZoomSpaces';

/** Reads <PanTilt x y/><Zoom x/> from a Velocity/Position/Translation/Speed element. */
function vector(el: XmlValue | undefined): Partial<PtzVector> {
  const pt = child(el, 'PanTilt');
  const z = child(el, 'Zoom');
  return { x: num(attrOf(pt, 'x')), y: num(attrOf(pt, 'y')), zoom: num(attrOf(z, 'x')) };
}

function ptzVectorXml(tag: string, p: PtzVector, kind: 'Position' | 'Translation' | 'Speed'): string {
  const ptSpace = kind === 'Speed' ? `${PT_SPACE}/GenericSpeedSpace` : `${PT_SPACE}/${kind}GenericSpace`;
  const zSpace = kind === 'Speed' ? `${Z_SPACE}/ZoomGenericSpeedSpace` : `${Z_SPACE}/${kind}GenericSpace`;
  return (
    `<${tag}><tt:PanTilt x="${p.x.toFixed(4)}" y="${p.y.toFixed(4)}" space="${ptSpace}"/>` +
    `<tt:Zoom x="${p.zoom.toFixed(4)}" space="${zSpace}"/></${tag}>`
  );
}

/** The ONVIF PTZ service (tptz); undefined for an action it does not have. */
export function ptzAction(action: string, { cam, b }: SoapAction): SoapReply | undefined {
  switch (action) {
    case 'GetNodes':
      ptzOf(cam);
      return ok(`<tptz:GetNodesResponse>${ptzNode('tptz:PTZNode')}</tptz:GetNodesResponse>`);
    case 'GetNode':
      ptzOf(cam);
      return ok(`<tptz:GetNodeResponse>${ptzNode('tptz:PTZNode')}</tptz:GetNodeResponse>`);
    case 'GetConfigurations':
      ptzOf(cam);
      return ok(
        `<tptz:GetConfigurationsResponse>${ptzConfig('tptz:PTZConfiguration')}</tptz:GetConfigurationsResponse>`,
      );
    case 'GetConfiguration':
      ptzOf(cam);
      return ok(
        `<tptz:GetConfigurationResponse>${ptzConfig('tptz:PTZConfiguration')}</tptz:GetConfigurationResponse>`,
      );
    case 'GetConfigurationOptions':
      ptzOf(cam);
      return ok(
        `<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>${ptzSpaces()}</tt:Spaces>` +
          `<tt:PTZTimeout><tt:Min>PT1S</tt:Min><tt:Max>PT10M</tt:Max></tt:PTZTimeout></tptz:PTZConfigurationOptions>` +
          `</tptz:GetConfigurationOptionsResponse>`,
      );
    case 'ContinuousMove': {
      const ptz = ptzOf(cam);
      profileOf(b);
      ptz.continuousMove(vector(child(b, 'Velocity')), parseDurationMs(textOf(child(b, 'Timeout'))));
      return ok(`<tptz:ContinuousMoveResponse/>`);
    }
    case 'Stop': {
      const ptz = ptzOf(cam);
      profileOf(b);
      const pt = textOf(child(b, 'PanTilt'));
      const z = textOf(child(b, 'Zoom'));
      // Both flags absent means stop everything (ONVIF PTZ spec 5.3.5).
      ptz.stop(
        pt === undefined && z === undefined ? true : pt === 'true',
        pt === undefined && z === undefined ? true : z === 'true',
      );
      return ok(`<tptz:StopResponse/>`);
    }
    case 'AbsoluteMove': {
      const ptz = ptzOf(cam);
      profileOf(b);
      ptz.absoluteMove(vector(child(b, 'Position')), vector(child(b, 'Speed')));
      return ok(`<tptz:AbsoluteMoveResponse/>`);
    }
    case 'RelativeMove': {
      const ptz = ptzOf(cam);
      profileOf(b);
      ptz.relativeMove(vector(child(b, 'Translation')), vector(child(b, 'Speed')));
      return ok(`<tptz:RelativeMoveResponse/>`);
    }
    case 'GetStatus': {
      const ptz = ptzOf(cam);
      profileOf(b);
      const s = ptz.snapshot();
      return ok(
        `<tptz:GetStatusResponse><tptz:PTZStatus>${ptzVectorXml('tt:Position', s.position, 'Position')}` +
          `<tt:MoveStatus><tt:PanTilt>${s.moving.panTilt ? 'MOVING' : 'IDLE'}</tt:PanTilt>` +
          `<tt:Zoom>${s.moving.zoom ? 'MOVING' : 'IDLE'}</tt:Zoom></tt:MoveStatus>` +
          `<tt:UtcTime>${isoTime(Date.now())}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`,
      );
    }
    case 'GetPresets': {
      const ptz = ptzOf(cam);
      profileOf(b);
      return ok(
        `<tptz:GetPresetsResponse>${ptz
          .listPresets()
          .map(
            (p) =>
              `<tptz:Preset token="${xmlEscape(p.token)}"><tt:Name>${xmlEscape(p.name)}</tt:Name>` +
              `${ptzVectorXml('tt:PTZPosition', p.position, 'Position')}</tptz:Preset>`,
          )
          .join('')}</tptz:GetPresetsResponse>`,
      );
    }
    case 'SetPreset': {
      const ptz = ptzOf(cam);
      profileOf(b);
      const name = textOf(child(b, 'PresetName'));
      const token = textOf(child(b, 'PresetToken')) || undefined;
      if (name && ptz.listPresets().some((p) => p.name === name && p.token !== token)) {
        throw new Fault({
          code: 'env:Sender',
          subcode: 'ter:PresetExist',
          reason: 'Preset name already exists',
        });
      }
      let preset;
      try {
        preset = ptz.setPreset(name, token);
      } catch {
        throw new Fault({
          code: 'env:Receiver',
          subcode: 'ter:TooManyPresets',
          reason: 'Maximum number of presets reached',
        });
      }
      return ok(
        `<tptz:SetPresetResponse><tptz:PresetToken>${xmlEscape(preset.token)}</tptz:PresetToken></tptz:SetPresetResponse>`,
      );
    }
    case 'RemovePreset': {
      const ptz = ptzOf(cam);
      profileOf(b);
      if (!ptz.removePreset(textOf(child(b, 'PresetToken')) ?? '')) {
        throw new Fault({
          code: 'env:Sender',
          subcode: 'ter:NoToken',
          reason: 'Preset token does not exist',
        });
      }
      return ok(`<tptz:RemovePresetResponse/>`);
    }
    case 'GotoPreset': {
      const ptz = ptzOf(cam);
      profileOf(b);
      if (!ptz.gotoPreset(textOf(child(b, 'PresetToken')) ?? '', vector(child(b, 'Speed')))) {
        throw new Fault({
          code: 'env:Sender',
          subcode: 'ter:NoToken',
          reason: 'Preset token does not exist',
        });
      }
      return ok(`<tptz:GotoPresetResponse/>`);
    }
    case 'GotoHomePosition': {
      ptzOf(cam).absoluteMove({ x: 0, y: 0, zoom: 0 }, vector(child(b, 'Speed')));
      return ok(`<tptz:GotoHomePositionResponse/>`);
    }
    default:
      return undefined;
  }
}

export function ptzConfig(tag: string): string {
  return (
    `<${tag} token="${PTZ_CONFIG_TOKEN}"><tt:Name>${PTZ_CONFIG_TOKEN}</tt:Name><tt:UseCount>2</tt:UseCount>` +
    `<tt:NodeToken>${PTZ_NODE_TOKEN}</tt:NodeToken>` +
    `<tt:DefaultAbsolutePantTiltPositionSpace>${PT_SPACE}/PositionGenericSpace</tt:DefaultAbsolutePantTiltPositionSpace>` +
    `<tt:DefaultAbsoluteZoomPositionSpace>${Z_SPACE}/PositionGenericSpace</tt:DefaultAbsoluteZoomPositionSpace>` +
    `<tt:DefaultRelativePanTiltTranslationSpace>${PT_SPACE}/TranslationGenericSpace</tt:DefaultRelativePanTiltTranslationSpace>` +
    `<tt:DefaultRelativeZoomTranslationSpace>${Z_SPACE}/TranslationGenericSpace</tt:DefaultRelativeZoomTranslationSpace>` +
    `<tt:DefaultContinuousPanTiltVelocitySpace>${PT_SPACE}/VelocityGenericSpace</tt:DefaultContinuousPanTiltVelocitySpace>` +
    `<tt:DefaultContinuousZoomVelocitySpace>${Z_SPACE}/VelocityGenericSpace</tt:DefaultContinuousZoomVelocitySpace>` +
    ptzVectorXml('tt:DefaultPTZSpeed', { x: 0.5, y: 0.5, zoom: 0.5 }, 'Speed') +
    `<tt:DefaultPTZTimeout>PT60S</tt:DefaultPTZTimeout>` +
    `<tt:PanTiltLimits><tt:Range><tt:URI>${PT_SPACE}/PositionGenericSpace</tt:URI>` +
    `<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange>` +
    `</tt:Range></tt:PanTiltLimits>` +
    `<tt:ZoomLimits><tt:Range><tt:URI>${Z_SPACE}/PositionGenericSpace</tt:URI>` +
    `<tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:Range></tt:ZoomLimits></${tag}>`
  );
}

function ptzSpaces(): string {
  const range = (space: string, lo: number, hi: number, y = true): string =>
    `<tt:URI>${space}</tt:URI><tt:XRange><tt:Min>${lo}</tt:Min><tt:Max>${hi}</tt:Max></tt:XRange>` +
    (y ? `<tt:YRange><tt:Min>${lo}</tt:Min><tt:Max>${hi}</tt:Max></tt:YRange>` : '');
  return (
    `<tt:AbsolutePanTiltPositionSpace>${range(`${PT_SPACE}/PositionGenericSpace`, -1, 1)}</tt:AbsolutePanTiltPositionSpace>` +
    `<tt:AbsoluteZoomPositionSpace>${range(`${Z_SPACE}/PositionGenericSpace`, 0, 1, false)}</tt:AbsoluteZoomPositionSpace>` +
    `<tt:RelativePanTiltTranslationSpace>${range(`${PT_SPACE}/TranslationGenericSpace`, -1, 1)}</tt:RelativePanTiltTranslationSpace>` +
    `<tt:RelativeZoomTranslationSpace>${range(`${Z_SPACE}/TranslationGenericSpace`, -1, 1, false)}</tt:RelativeZoomTranslationSpace>` +
    `<tt:ContinuousPanTiltVelocitySpace>${range(`${PT_SPACE}/VelocityGenericSpace`, -1, 1)}</tt:ContinuousPanTiltVelocitySpace>` +
    `<tt:ContinuousZoomVelocitySpace>${range(`${Z_SPACE}/VelocityGenericSpace`, -1, 1, false)}</tt:ContinuousZoomVelocitySpace>` +
    `<tt:PanTiltSpeedSpace><tt:URI>${PT_SPACE}/GenericSpeedSpace</tt:URI><tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:PanTiltSpeedSpace>` +
    `<tt:ZoomSpeedSpace><tt:URI>${Z_SPACE}/ZoomGenericSpeedSpace</tt:URI><tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:ZoomSpeedSpace>`
  );
}

function ptzNode(tag: string): string {
  return (
    `<${tag} token="${PTZ_NODE_TOKEN}" FixedHomePosition="false" GeoMove="false"><tt:Name>${PTZ_NODE_TOKEN}</tt:Name>` +
    `<tt:SupportedPTZSpaces>${ptzSpaces()}</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>128</tt:MaximumNumberOfPresets>` +
    `<tt:HomeSupported>true</tt:HomeSupported></${tag}>`
  );
}
