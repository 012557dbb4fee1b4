/**
 * Why the built-in checks refuse a file. Each is a `rejected` verdict, never `infected`: these
 * are policy decisions about structure and active content, not signature matches.
 */
export type BuiltinReason =
  // structure (the type detected at upload must really parse as that type)
  | 'malformed_pdf'
  | 'malformed_docx'
  | 'malformed_image'
  // PDF active content
  | 'pdf_javascript'
  | 'pdf_launch_action'
  | 'pdf_external_action'
  | 'pdf_embedded_file'
  | 'pdf_xfa'
  | 'pdf_encrypted'
  | 'pdf_uninspectable'
  // Office Open XML
  | 'ooxml_macros'
  | 'ooxml_external_template'
  | 'ooxml_ole_object'
  // anything
  | 'executable'
  | 'too_large_to_scan'
  // ZIP containers
  | 'zip_bomb'
  | 'zip_encrypted'
  | 'zip_path_traversal'
  | 'zip_symlink'
  | 'zip_too_many_entries'
  | 'zip_nested'
  | 'zip_invalid'
  // images
  | 'image_too_large'
  | 'polyglot';

/** A check's finding: null when the file passes, else why it is refused. */
export type Finding = { reason: BuiltinReason; detail: string } | null;
