/**
 * A minimal but valid PDF 1.4 (catalog, page tree, Helvetica text pages, exact xref offsets), so a
 * fax archived from the simulator opens in any viewer and its bytes are realistic for hashing.
 */

function escapePdfText(text: string): string {
  // PDF literal strings need \, ( and ) escaped; non-ASCII is dropped to keep the encoding simple.
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

export function buildPdf(title: string, lines: string[], pages: number): Buffer {
  const pageCount = Math.max(1, pages);
  // Object numbers: 1 catalog, 2 pages, 3 font, then per page: page object and its content stream.
  const objects: string[] = [];
  const kids: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  for (let p = 0; p < pageCount; p++) {
    const pageObj = 4 + p * 2;
    const contentObj = pageObj + 1;
    kids.push(`${pageObj} 0 R`);
    const text = [`${title} - page ${p + 1} of ${pageCount}`, ...lines];
    let stream = 'BT /F1 14 Tf 72 720 Td 18 TL\n';
    for (const line of text) stream += `(${escapePdfText(line)}) Tj T*\n`;
    stream += 'ET\n';
    objects[pageObj] =
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ' +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${contentObj} 0 R >>`;
    objects[contentObj] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}endstream`;
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pageCount} >>`;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = Buffer.byteLength(out, 'latin1');
    out += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) out += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
