import { useEffect, useRef, useState } from 'react';
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

const MAX_PAGES = 20;

/** Renders a PDF's pages to canvases (loaded lazily: pdf.js is large). Text is never executed. */
export default function PdfViewer({ data, title }: { data: ArrayBuffer; title: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pages, setPages] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const task = pdfjs.getDocument({ data: new Uint8Array(data.slice(0)), enableXfa: false });
    const root = container.current;
    (async () => {
      const doc = await task.promise;
      if (cancelled || !root) return;
      setPages(doc.numPages);
      root.replaceChildren();
      const width = Math.min(root.clientWidth || 800, 900);
      for (let number = 1; number <= Math.min(doc.numPages, MAX_PAGES); number++) {
        const page = await doc.getPage(number);
        if (cancelled) return;
        const base = page.getViewport({ scale: 1 });
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: (width / base.width) * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.className = 'pdf-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${title}, page ${number} of ${doc.numPages}`);
        root.append(canvas);
        await page.render({ canvas, viewport }).promise;
      }
    })().catch((caught: unknown) => {
      if (!cancelled) setError(caught instanceof Error ? caught.message : String(caught));
    });
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [data, title]);

  return (
    <div className="pdf-viewer">
      {error && (
        <p className="alert alert-warning" role="status">
          This PDF cannot be shown here ({error}). Download it instead.
        </p>
      )}
      <div ref={container} className="pdf-pages" />
      {pages > MAX_PAGES && (
        <p className="muted small">
          Showing the first {MAX_PAGES} of {pages} pages.
        </p>
      )}
    </div>
  );
}
