/*
 * keys: key pairs for local actors (HTTP signatures).
 *
 * Keys are returned as PEM text owned by the caller; a private key should
 * be cleared (explicit_bzero) before it is freed.
 */
#ifndef HEARTH_CORE_KEYS_H
#define HEARTH_CORE_KEYS_H

/*
 * Makes an RSA-2048 key pair. *private_pem (PKCS#8) and *public_pem (SPKI)
 * are owned by the caller (free()). Returns 0 or E_INTERNAL (logged).
 */
int keys_generate_rsa(char **private_pem, char **public_pem);

struct arena;
struct core;

/*
 * The server's own key pair (its instance actor's), made and stored on
 * first use: PEM texts in the arena. 0, E_DB or E_INTERNAL.
 */
int keys_instance(const struct core *core, struct arena *a, const char **private_pem,
                  const char **public_pem);

#endif
