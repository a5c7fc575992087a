/**
 * Border modes by their scipy.ndimage names (and OpenCV's equivalents):
 * - 'nearest'  a a | a b c d | d d   (cv2 BORDER_REPLICATE)
 * - 'reflect'  b a | a b c d | d c   (half-sample symmetric; cv2 BORDER_REFLECT)
 * - 'mirror'   c b | a b c d | c b   (whole-sample symmetric; cv2 BORDER_REFLECT_101, OpenCV's default)
 */
export type BorderMode = 'nearest' | 'reflect' | 'mirror';

/** Map an index outside [0, n) back inside according to `mode` (any distance, periodic extension). */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (mode === 'nearest') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    let j = i % period;
    if (j < 0) j += period;
    return j < n ? j : period - 1 - j;
  }
  const period = 2 * n - 2;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}
