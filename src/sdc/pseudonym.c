/*
 * pseudonym.c: keyed pseudonyms for record ids (HMAC-SHA-256, libsodium).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sdc/sdc.h"

/* The first 16 bytes of HMAC-SHA-256(key, id) in lower-case hex: without
 * the key nobody can compute or reverse it; with it, the same id always
 * gives the same pseudonym, so rounds link. */
void mtm_sdc_pseudonym(const unsigned char key[32], const char *id, char out[33]) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  static const char hex[] = "0123456789abcdef";
  if (sodium_init() < 0)
    abort(); /* never once libsodium is linked: no pseudonym is safer than one for all */
  const char *s = id ? id : "";
  crypto_auth_hmacsha256(mac, (const unsigned char *)s, strlen(s), key);
  for (int i = 0; i < 16; i++) {
    out[2 * i] = hex[mac[i] >> 4];
    out[2 * i + 1] = hex[mac[i] & 15];
  }
  out[32] = 0;
}
