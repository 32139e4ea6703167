/*
 * password: argon2id password hashes (libsodium).
 *
 * Hashing costs ~64 MB and ~100 ms at the interactive level, so at most
 * LIMIT_PASSWORD_CONCURRENCY hashes or verifications run at once; others
 * wait their turn. Hashes are self-describing strings ("$argon2id$...").
 */
#ifndef HEARTH_CORE_PASSWORD_H
#define HEARTH_CORE_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128

/*
 * Checks the length rules: 0, or E_INVAL with a reason in *why (static
 * text).
 */
int password_check(const char *password, const char **why);
/* Hashes into out (PASSWORD_HASH_MAX bytes). 0, E_INVAL (see password_check) or E_NOMEM. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX], const char **why);
/* 0 when password matches hash (constant time), E_AUTH otherwise. */
int password_verify(const char *password, const char *hash);
/* A random readable password of size-1 characters (at least 17 bytes of room). */
void password_generate(char *out, size_t size);

#endif
