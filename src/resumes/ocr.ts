import { createRequire } from 'node:module';
import { renderPageAsImage } from 'unpdf';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { repairOcrText } from './ocr-text.ts';
import type { openPdf } from './pdf.ts';

/**
 * Text of image-only PDF pages (scans, photos of a printed CV) by OCR: each page is rendered by
 * PDF.js onto a canvas (@napi-rs/canvas) and read by Tesseract (tesseract.js, WebAssembly in a
 * worker thread) with the English model shipped in @tesseract.js-data/eng — nothing is fetched
 * from the network. Tesseract segments the page itself (columns, a name beside a title) and keeps
 * wide gaps between words as runs of spaces, which the parser reads as column gaps; e-mail
 * addresses and profile links are repaired where OCR misreads them unambiguously (ocr-text.ts). Bounded per
 * document (pages), per page (pixels, seconds) and in concurrency:
 * one Tesseract worker per process, pages read one at a time; the worker is ended after a minute
 * without work, and recreated after a page that ran out of time.
 */
export interface OcrOptions {
  /** Pages read per document: a resume's contact details and most of its content are on the first ones. */
  maxPages?: number;
  pageTimeoutMs?: number;
}

export interface OcrResult {
  text: string;
  pages: number;
  /** Seconds spent per page, rendering and recognition together. */
  secondsPerPage: number;
}

type PdfDocument = Awaited<ReturnType<typeof openPdf>>;

/** The long side of a rendered page, in pixels: about 200 dpi for A4 or Letter, enough for body text. */
const MAX_PAGE_PIXELS = 2400;
const IDLE_MS = 60_000;
const language = createRequire(import.meta.url)('@tesseract.js-data/eng') as { code: string; langPath: string; gzip: boolean };

export class PageOcr {
  private readonly maxPages: number;
  private readonly pageTimeoutMs: number;
  private worker: Promise<Worker> | null = null;
  private idle: NodeJS.Timeout | undefined;
  /** Pages are read one at a time: the queue's own concurrency decides how many documents wait. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(options: OcrOptions = {}) {
    this.maxPages = options.maxPages ?? 3;
    this.pageTimeoutMs = options.pageTimeoutMs ?? 30_000;
  }

  /** `pages`: read at most this many first pages (and never more than `maxPages`). */
  recognize(pdf: PdfDocument, options: { pages?: number } = {}): Promise<OcrResult> {
    const run = this.turn.then(() => this.read(pdf, Math.min(pdf.numPages, this.maxPages, options.pages ?? Infinity)));
    this.turn = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = null;
    await (await worker?.catch(() => null))?.terminate();
  }

  private async read(pdf: PdfDocument, pages: number): Promise<OcrResult> {
    clearTimeout(this.idle);
    const started = performance.now();
    const texts: string[] = [];
    try {
      for (let number = 1; number <= pages; number += 1) texts.push(await this.page(pdf, number));
    } finally {
      this.idle = setTimeout(() => void this.close(), IDLE_MS).unref();
    }
    return { text: texts.join('\n'), pages, secondsPerPage: (performance.now() - started) / 1000 / Math.max(pages, 1) };
  }

  private async page(pdf: PdfDocument, number: number): Promise<string> {
    const page = await pdf.getPage(number);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const scale = Math.min(3, MAX_PAGE_PIXELS / Math.max(x1 - x0, y1 - y0));
    page.cleanup();
    const png = await renderPageAsImage(pdf, number, { canvasImport: () => import('@napi-rs/canvas'), scale });
    const worker = await this.ensureWorker();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`OCR of page ${number} took longer than ${this.pageTimeoutMs} ms`)), this.pageTimeoutMs);
      });
      // The rendering's true resolution (PDF units are 1/72 inch): Tesseract would otherwise guess it from the text size.
      await worker.setParameters({ user_defined_dpi: String(Math.round(72 * scale)) });
      const { data } = await Promise.race([worker.recognize(Buffer.from(png)), timeout]);
      return repairOcrText(data.text);
    } catch (error) {
      // A worker that ran out of time may still be busy: start over with a fresh one.
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private ensureWorker(): Promise<Worker> {
    this.worker ??= createWorker(language.code, OEM.LSTM_ONLY, {
      langPath: language.langPath,
      gzip: language.gzip,
      cacheMethod: 'none',
      logger: () => {},
      errorHandler: () => {},
    }).then(async (worker) => {
      // Tesseract's library default reads the page as one block of text, which runs a header's
      // columns together and loses small print beside large type (a dot in an address); automatic
      // segmentation finds the blocks as its command line does. Kept gaps separate a name from the
      // title beside it.
      await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: '1' });
      return worker;
    });
    return this.worker;
  }
}
