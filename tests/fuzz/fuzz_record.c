/* Fuzzes the record codec: the bytes are a stored blob. A blob that decodes
 * must encode back to the same bytes when it holds no NUL inside a value;
 * a damaged one must give MTM_EINVAL. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mtm_arena a;
  mtm_arena_init(&a);
  char **vals = NULL;
  int n = mtm_record_decode(data, size, &a, &vals);
  if (n < 0) {
    if (n != MTM_EINVAL) fuzz_fail("decode failed with a code other than MTM_EINVAL");
    mtm_arena_free(&a);
    return 0;
  }
  if (size == 0 && n != 0) fuzz_fail("an empty blob with fields");
  /* Re-encode; the lengths are those of the decoded strings, so values
   * holding a NUL come back shorter: compare only when none does. */
  mtm_buf b;
  mtm_buf_init(&b);
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    mtm_record_add(&b, vals[i], vals[i] ? strlen(vals[i]) : 0);
    total += vals[i] ? strlen(vals[i]) : 0;
  }
  /* A varint may be written with redundant 0x80 bytes ("non-minimal"); the
   * encoder writes the shortest form, so only a minimal blob round-trips. */
  if (b.n == size && memcmp(b.p ? b.p : "", data, size))
    fuzz_fail("a blob decodes and encodes to different bytes of the same length");
  if (total > size) fuzz_fail("decoded more bytes than the blob holds");
  mtm_buf_free(&b);
  mtm_arena_free(&a);
  return 0;
}
