/** Saves text as a file from inside the Forge iframe (its sandbox allows downloads on a user gesture). */
export function downloadFile(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: `${mimeType};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoke on the next tick: some browsers read the blob after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
