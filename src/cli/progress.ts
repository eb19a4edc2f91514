/** A one-line progress bar for a terminal; redrawn in place, at most ten times a second. */
export function progressBar(stream: NodeJS.WriteStream) {
  let last = 0;
  const draw = (done: number, total: number) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 30));
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
  };
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (done === total || now - last > 100) {
        last = now;
        draw(done, total);
      }
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
