/**
 * A progress line on stderr, redrawn at most once a second: in place on a terminal, one line per
 * update in a log. `done()` prints the last state.
 */
export function progressLine(describe: (state: { blobs: number; bytes: number }) => string): {
  update: (state: { blobs: number; bytes: number }) => void;
  done: () => void;
} {
  const tty = process.stderr.isTTY;
  let last = 0;
  let latest: { blobs: number; bytes: number } | null = null;
  const print = () => {
    if (latest) process.stderr.write(tty ? `\r${describe(latest)}` : `${describe(latest)}\n`);
  };
  return {
    update(state) {
      latest = state;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      print();
    },
    done() {
      print();
      if (tty && latest) process.stderr.write('\n');
    },
  };
}

export const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
