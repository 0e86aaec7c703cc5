/** One external-data file, as onnxruntime's `externalData` session option takes it. */
export interface ExternalDataFile {
  /** The location exactly as the graph writes it. */
  path: string;
  data: Uint8Array;
}
