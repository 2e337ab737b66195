import { BadRequestException, Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { IMPORT_LIMITS, type ImportFormat } from '@xueliang/contracts';
import type { SheetTable } from './import-rows';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function tooManyRows(count: number): BadRequestException {
  return new BadRequestException(
    `file: ${count.toLocaleString('en')} rows; an import takes at most ${IMPORT_LIMITS.maxRows.toLocaleString('en')} (split the file)`,
  );
}

/** UTF-8 (with or without BOM), else GB18030: what Chinese Excel saves "CSV" as. */
function decodeText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/**
 * Reading and writing import sheets: CSV through csv-parse / csv-stringify, .xlsx through exceljs.
 * The only place that touches those packages; everything else sees a SheetTable.
 */
@Injectable()
export class SheetCodec {
  /** The format of an uploaded file, by content (an .xlsx is a zip), not by name. */
  formatOf(buf: Buffer): ImportFormat {
    return buf.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv';
  }

  async read(buf: Buffer): Promise<SheetTable> {
    const rows = this.formatOf(buf) === 'xlsx' ? await this.readXlsx(buf) : this.readCsv(buf);
    const [header = [], ...data] = rows;
    while (data.length && data[data.length - 1].every((c) => !c)) data.pop();
    if (data.length > IMPORT_LIMITS.maxRows) throw tooManyRows(data.length);
    return { header: header.map((h) => h.trim()), rows: data };
  }

  private readCsv(buf: Buffer): string[][] {
    const text = decodeText(buf).replace(/^\uFEFF/, '');
    try {
      const records: string[][] = parse(text, {
        relax_column_count: true,
        skip_empty_lines: true,
        trim: true,
        // One more than allowed, so the count can be reported without reading a huge file.
        to_line: IMPORT_LIMITS.maxRows + 2,
      });
      if (records.length > IMPORT_LIMITS.maxRows + 1) {
        const total = text.split(/\r?\n/).filter((l) => l.trim()).length - 1;
        throw tooManyRows(total);
      }
      return records;
    } catch (err) {
      if (err instanceof BadRequestException) throw err;
      const e = err as { message?: string; lines?: number };
      throw new BadRequestException(
        `file: not a readable CSV${e.lines ? ` (line ${e.lines})` : ''}: ${String(e.message ?? err).slice(0, 160)}`,
      );
    }
  }

  private async readXlsx(buf: Buffer): Promise<string[][]> {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch {
      throw new BadRequestException('file: not a readable .xlsx workbook');
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new BadRequestException('file: the workbook has no worksheet');
    if (ws.actualRowCount > IMPORT_LIMITS.maxRows + 1) throw tooManyRows(ws.actualRowCount - 1);
    const width = ws.columnCount;
    const rows: string[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c)).trim());
      rows.push(cells);
    }
    return rows;
  }

  /** A CSV with a UTF-8 BOM (so Excel shows Chinese right) or an .xlsx with one sheet. */
  async write(format: ImportFormat, sheetName: string, header: string[], rows: string[][]): Promise<Buffer> {
    if (format === 'csv') {
      return Buffer.from(`\uFEFF${stringify([header, ...rows], { record_delimiter: '\r\n' })}`, 'utf8');
    }
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(sheetName);
    ws.addRow(header).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((col) => (col.width = 18));
    // Text cells throughout: a 20-digit code or a leading-zero value must not become a number.
    ws.eachRow((row) => row.eachCell((cell) => (cell.numFmt = '@')));
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  // Rich text, hyperlinks (Excel turns typed URLs into links), formulas: what the sheet shows.
  return cell.text ?? '';
}
