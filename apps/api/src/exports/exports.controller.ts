import { mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import {
  type CreateExport,
  CreateExportSchema,
  type ExportListQuery,
  ExportListQuerySchema,
  type ExportPublicKeyView,
  type ExportVerification,
  type ExportView,
} from '@xueliang/contracts';
import { type AuthUser, CurrentUser, Public, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { ExportsService } from './exports.service';
import { ExportVerifier } from './export-verifier.service';

/** What multer hands over per uploaded file (disk storage). */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  path: string;
  size: number;
}

/** Uploaded clips may be large (the CLI is the tool for a whole day of main stream): 2 GiB each. */
export const VERIFY_MAX_FILE_BYTES = 2 * 1024 ** 3;
export const VERIFY_MAX_FILES = 16;
const MANIFEST_MAX_BYTES = 8 * 1024 * 1024;
const UPLOAD_DIR = join(tmpdir(), 'xueliang-export-verify');
mkdirSync(UPLOAD_DIR, { recursive: true });

/** Export file names as the gateway writes them; anything else is not a file of an export. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

@Controller('exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly verifier: ExportVerifier,
  ) {}

  /** The platform's evidence public key: public, so anyone holding a clip can check it offline. */
  @Public()
  @Get('public-key')
  publicKey(): ExportPublicKeyView {
    return this.exports.publicKeyView();
  }

  @Post()
  @HttpCode(202)
  @RequireRoles(...rolesFor('recording.export'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateExportSchema)) body: CreateExport,
    @Ip() ip: string,
  ): Promise<ExportView> {
    return this.exports.create(user, body, ip);
  }

  /**
   * POST /api/exports/verify, multipart: `manifest` (manifest.json) and zero or more `files`
   * (the MP4s, under their exported names). Says whether the manifest is signed by this platform
   * and unchanged, and per file intact, missing or the altered byte ranges.
   */
  @Post('verify')
  @HttpCode(200)
  @RequireRoles(...rolesFor('recording.export.verify'))
  @UseInterceptors(
    FileFieldsInterceptor(
      [
        { name: 'manifest', maxCount: 1 },
        { name: 'files', maxCount: VERIFY_MAX_FILES },
      ],
      {
        dest: UPLOAD_DIR,
        limits: { fileSize: VERIFY_MAX_FILE_BYTES, files: VERIFY_MAX_FILES + 1, fields: 0 },
      },
    ),
  )
  async verify(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() uploaded: { manifest?: UploadedFile[]; files?: UploadedFile[] } | undefined,
    @Ip() ip: string,
  ): Promise<ExportVerification> {
    const all = [...(uploaded?.manifest ?? []), ...(uploaded?.files ?? [])];
    try {
      const manifestFile = uploaded?.manifest?.[0];
      if (!manifestFile) throw fieldError('manifest', 'manifest.json is required');
      if (manifestFile.size > MANIFEST_MAX_BYTES)
        throw fieldError('manifest', 'is too large to be a manifest');
      let manifest: unknown;
      try {
        manifest = JSON.parse(await readFile(manifestFile.path, 'utf8'));
      } catch {
        throw fieldError('manifest', 'is not JSON');
      }
      const files = new Map<string, string>();
      for (const f of uploaded?.files ?? []) {
        const name = basename(f.originalname);
        if (!FILE_NAME.test(name))
          throw fieldError('files', `${JSON.stringify(name.slice(0, 64))} is not an export file name`);
        if (files.has(name)) throw fieldError('files', `${name} was given twice`);
        files.set(name, f.path);
      }
      const result = await this.verifier.verify(manifest, files);
      await this.verifier.audit(user, ip, manifest, result);
      return result;
    } finally {
      await Promise.all(all.map((f) => rm(f.path, { force: true })));
    }
  }

  @Get()
  @RequireRoles(...rolesFor('recording.export'))
  list(
    @CurrentUser() user: AuthUser,
    @Query(valid(ExportListQuerySchema)) q: ExportListQuery,
  ): Promise<ExportView[]> {
    return this.exports.list(user, q);
  }

  @Get(':id')
  @RequireRoles(...rolesFor('recording.export'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<ExportView> {
    return this.exports.get(user, id);
  }

  @Get(':id/files/:name')
  @RequireRoles(...rolesFor('recording.export'))
  async file(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('name') name: string,
    @Ip() ip: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!FILE_NAME.test(name)) throw new NotFoundException('no such file in this export');
    const out = await this.exports.download(user, id, name, ip);
    res.setHeader('content-type', out.contentType);
    res.setHeader('content-disposition', `attachment; filename="${name}"`);
    if (out.contentLength) res.setHeader('content-length', out.contentLength);
    await new Promise<void>((resolve) => {
      out.body.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        out.body.destroy();
        resolve();
      });
      out.body.pipe(res);
    });
  }

  @Delete(':id')
  @RequireRoles(...rolesFor('recording.export.delete'))
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
  ): Promise<ExportView> {
    return this.exports.remove(user, id, ip);
  }
}

function fieldError(path: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${path}: ${message}`,
    issues: [{ path, message }],
  });
}
