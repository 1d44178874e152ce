// libsodium's primitives over deterministic inputs: BLAKE2b and SHA-512
// hashing, XChaCha20-Poly1305 and XSalsa20-Poly1305 encryption, Ed25519
// signatures, X25519 key exchange and Argon2id password hashing. SCALE
// (argv[1]) multiplies the work. Prints digests of every result.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static unsigned char digest[crypto_generichash_BYTES];

// Folds `data` into the running digest and prints it under `label`.
static void fold(const char *label, const unsigned char *data, size_t len) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, sizeof digest);
  crypto_generichash_update(&st, digest, sizeof digest);
  crypto_generichash_update(&st, data, len);
  crypto_generichash_final(&st, digest, sizeof digest);
  printf("%-10s ", label);
  for (int i = 0; i < 8; i++) printf("%02x", digest[i]);
  printf("\n");
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 4;
  if (sodium_init() < 0) return 1;
  size_t len = (size_t)scale << 20;
  unsigned char *buf = malloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char *out = malloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)(i * 131 + (i >> 9));
  unsigned char key[32], nonce[24] = {0};
  for (int i = 0; i < 32; i++) key[i] = (unsigned char)(7 * i + 1);

  unsigned char h[64];
  crypto_generichash(h, 64, buf, len, key, 32);
  fold("blake2b", h, 64);
  crypto_hash_sha512(h, buf, len);
  fold("sha512", h, 64);

  unsigned long long clen, mlen;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out, &clen, buf, len, NULL, 0, NULL, nonce, key);
  fold("xchacha", out, clen);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &mlen, NULL, out, clen, NULL, 0, nonce, key) || mlen != len) {
    printf("decryption failed\n");
    return 1;
  }
  crypto_secretbox_easy(out, buf, len, nonce, key);
  fold("secretbox", out, len + crypto_secretbox_MACBYTES);

  unsigned char pk[32], sk[64], sig[64];
  crypto_sign_seed_keypair(pk, sk, key);
  for (int i = 0; i < 250 * scale; i++) {
    crypto_sign_detached(sig, NULL, buf + i, 64, sk);
    if (crypto_sign_verify_detached(sig, buf + i, 64, pk)) { printf("bad signature\n"); return 1; }
    buf[i] ^= sig[0];
  }
  fold("ed25519", sig, 64);

  unsigned char shared[32], point[32];
  crypto_scalarmult_base(point, key);
  for (int i = 0; i < 250 * scale; i++) {
    if (crypto_scalarmult(shared, key, point)) { printf("bad point\n"); return 1; }
    memcpy(point, shared, 32);
  }
  fold("x25519", point, 32);

  unsigned char salt[crypto_pwhash_SALTBYTES] = {1, 2, 3, 4};
  if (crypto_pwhash(h, 32, "correct horse", 13, salt, 2, (size_t)scale << 24, crypto_pwhash_ALG_ARGON2ID13)) {
    printf("out of memory\n");
    return 1;
  }
  fold("argon2id", h, 32);
  return 0;
}
