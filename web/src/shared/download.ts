/** Hands bytes to the browser as a downloaded file (the object URL is released shortly after). */
export function saveBlobFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Hands text to the browser as a downloaded file. */
export function saveTextFile(filename: string, text: string, type: string): void {
  saveBlobFile(filename, new Blob([text], { type }));
}

/** Hands a file that arrived base64 in a JSON answer (a PDF, a CSV) to the browser as a download. */
export function saveBase64File(file: { fileName: string; contentType: string; base64: string }): void {
  const bin = atob(file.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  saveBlobFile(file.fileName, new Blob([bytes], { type: file.contentType }));
}
