import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { ProbeErrorCode } from '@xueliang/contracts';
import { redactCredentials } from '@xueliang/platform';
import { OnvifError, OnvifFailure } from '../onvif/onvif-error';

/** The probe outcomes the console tells apart, by failure kind. */
function probeErrorCode(kind: OnvifFailure): ProbeErrorCode | undefined {
  switch (kind) {
    case 'auth':
      return 'camera_auth_failed';
    case 'timeout':
    case 'refused':
    case 'unreachable':
      return 'camera_unreachable';
    case 'not_onvif':
      return 'not_onvif';
    case 'not_allowed':
      return 'camera_network_not_allowed';
    default:
      return undefined;
  }
}

/** Camera failures leave the gateway as 422 (the camera said no) or 502 (the camera misbehaved). */
@Catch(OnvifError)
export class OnvifErrorFilter implements ExceptionFilter {
  catch(err: OnvifError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const code = probeErrorCode(err.kind);
    const status = code ? 422 : 502;
    const message = redactCredentials(err.message);
    res.status(status).json({
      statusCode: status,
      error: code ? 'Unprocessable Entity' : 'Bad Gateway',
      // An address refused by CAMERA_NETWORKS is the address field's fault, whoever asked.
      ...(err.kind === 'not_allowed'
        ? { message: `onvifAddress: ${message}`, issues: [{ path: 'onvifAddress', message }] }
        : { message }),
      code: code ?? 'camera_error',
    });
  }
}
