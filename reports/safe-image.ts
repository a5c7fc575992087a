const DATA_PNG = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

/**
 * Only inline PNGs written by a probe are shown; anything else in a (possibly edited) results file
 * is dropped, so a report never points an <img> at a URL.
 */
export function safeImage(uri: unknown): string | null {
  return typeof uri === 'string' && DATA_PNG.test(uri) ? uri : null;
}
