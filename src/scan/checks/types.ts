/** A built-in check's finding: null when the file passes, else why it is refused. */
export type Finding = { reason: string; detail: string } | null;
