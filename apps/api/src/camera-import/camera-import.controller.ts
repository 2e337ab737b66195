import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Ip,
  Param,
  ParseUUIDPipe,
  PayloadTooLargeException,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import {
  BulkCameraEditSchema,
  IMPORT_LIMITS,
  ImportFormatSchema,
  RegisterDiscoveredSchema,
  StartImportSchema,
  type BulkCameraEdit,
  type BulkCameraEditResult,
  type ImportFormat,
  type ImportJobView,
  type RegisterDiscovered,
  type StartImport,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { CameraBulkEditService } from './camera-bulk-edit.service';
import { CameraImportService, type UploadedSheet } from './camera-import.service';

const SheetQuerySchema = z.object({
  format: ImportFormatSchema.default('xlsx'),
  lang: z.enum(['zh', 'en']).default('zh'),
  regionId: z.uuid().optional(),
});
type SheetQuery = z.infer<typeof SheetQuerySchema>;

const MIME: Record<ImportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const MultipartFile = FileInterceptor('file', {
  limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 10, fieldSize: 1024 },
});

/** The upload, with multer's "File too large" said in terms of the import's limit. */
@Injectable()
class ImportFileInterceptor extends MultipartFile {
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (err) {
      if (err instanceof PayloadTooLargeException) {
        throw new PayloadTooLargeException(
          `file: larger than ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB; an import file may be at most that (split the file)`,
        );
      }
      throw err;
    }
  }
}

function sendSheet(res: Response, format: ImportFormat, name: string, body: Buffer): void {
  res.setHeader('content-type', MIME[format]);
  res.setHeader('content-disposition', `attachment; filename="${name}.${format}"`);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

/**
 * Bulk onboarding and bulk edits of the camera register (docs/CAMERAS.md "Importing a fleet").
 * Listed before CamerasController so that "imports", "export" and "bulk" are not taken for ids.
 */
@Controller('cameras')
@RequireRoles(...rolesFor('camera.manage'))
export class CameraImportController {
  constructor(
    private readonly imports: CameraImportService,
    private readonly bulk: CameraBulkEditService,
  ) {}

  @Get('imports/template')
  async template(@Query(valid(SheetQuerySchema)) q: SheetQuery, @Res() res: Response): Promise<void> {
    const body = await this.imports.template(q.format, q.lang);
    sendSheet(
      res,
      q.format,
      q.lang === 'zh' ? 'camera-import-template-zh' : 'camera-import-template-en',
      body,
    );
  }

  /** Multipart: `file` (CSV or .xlsx) and the StartImport fields. 202 with the job to poll. */
  @Post('imports')
  @HttpCode(202)
  @UseInterceptors(ImportFileInterceptor)
  start(
    @CurrentUser() user: AuthUser,
    @UploadedFile() file: UploadedSheet | undefined,
    @Body(valid(StartImportSchema)) form: StartImport,
    @Ip() ip: string,
  ): Promise<ImportJobView> {
    return this.imports.startFromFile(user, file, form, ip);
  }

  @Get('imports/:id')
  job(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<ImportJobView> {
    return this.imports.job(user, id);
  }

  @Get('export')
  async export(
    @CurrentUser() user: AuthUser,
    @Query(valid(SheetQuerySchema)) q: SheetQuery,
    @Ip() ip: string,
    @Res() res: Response,
  ): Promise<void> {
    const body = await this.imports.export(user, q.format, q.lang, q.regionId, ip);
    sendSheet(res, q.format, 'cameras', body);
  }

  @Post('discovery/register')
  @HttpCode(202)
  registerDiscovered(
    @CurrentUser() user: AuthUser,
    @Body(valid(RegisterDiscoveredSchema)) body: RegisterDiscovered,
    @Ip() ip: string,
  ): Promise<ImportJobView> {
    return this.imports.startFromDiscovery(user, body, ip);
  }

  @Post('bulk')
  @HttpCode(200)
  bulkEdit(
    @CurrentUser() user: AuthUser,
    @Body(valid(BulkCameraEditSchema)) body: BulkCameraEdit,
    @Ip() ip: string,
  ): Promise<BulkCameraEditResult> {
    return this.bulk.apply(user, body, ip);
  }
}
