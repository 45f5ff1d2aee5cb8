import { jarOf } from './harness.ts';

/** A minimal PDF (file-type knows it by its %PDF- signature), padded to `size` bytes. */
export function pdfBytes(size = 2048, seed = 'x'): Buffer {
  const head = Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n% ${seed}\n`, 'latin1');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

/** The start of a Windows executable (MZ header), padded to `size` bytes. */
export function exeBytes(size = 2048): Buffer {
  const head = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff]);
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0)]);
}

/** Cookie header of a test client's session. */
export function cookieOf(c: object): string {
  return [...jarOf(c)].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** POST /files/documents as the SPA does it (multipart form, same origin, the session cookie). */
export async function uploadDocument(
  origin: string,
  c: object | null,
  q: { typeId: string; expiresOn?: string },
  file: { name: string; bytes: Buffer; type?: string },
) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/pdf' }), file.name);
  const params = new URLSearchParams({ typeId: q.typeId, ...(q.expiresOn ? { expiresOn: q.expiresOn } : {}) });
  const res = await fetch(`${origin}/files/documents?${params}`, {
    method: 'POST',
    body: form,
    headers: { origin, ...(c ? { cookie: cookieOf(c) } : {}) },
  });
  const body = (await res.json()) as { id?: string; versionNo?: number; error?: { message: string; code: string } };
  return { status: res.status, body };
}
