/**
 * Which paths are saved models (probed with their weights) rather than source files. Dependency-free, so the
 * CLI, the API and the extension can ask without bundling the HDF5 and zip readers the probe process uses.
 */

/** A Keras 2 `.h5` (or `.hdf5`) or Keras 3 `.keras` file. */
export function isKerasFilePath(path: string): boolean {
  return /\.(h5|hdf5|keras)$/i.test(path);
}

/** A tfjs model.json or a Keras file. */
export function isSavedModelPath(path: string): boolean {
  return path.endsWith('.json') || isKerasFilePath(path);
}
