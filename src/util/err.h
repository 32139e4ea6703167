/*
 * err: the one error type of Hearth.
 *
 * Functions that can fail return int: 0 on success, a negative enum err
 * value on failure. Results come back through out-parameters.
 */
#ifndef HEARTH_UTIL_ERR_H
#define HEARTH_UTIL_ERR_H

enum err {
    E_OK = 0,
    E_NOMEM = -1,     /* allocation failed (normally aborts instead) */
    E_INVAL = -2,     /* malformed or missing input */
    E_NOTFOUND = -3,  /* no such object */
    E_AUTH = -4,      /* not authenticated */
    E_FORBIDDEN = -5, /* authenticated, but not allowed */
    E_LIMIT = -6,     /* a size or count cap was reached */
    E_DB = -7,        /* the database failed */
    E_REMOTE = -8,    /* a remote server failed or sent garbage */
    E_EXISTS = -9,    /* the object already exists */
    E_IO = -10,       /* file system or socket error */
    E_BUSY = -11,     /* resource held by someone else (lock, rate) */
    E_UTF8 = -12,     /* text is not valid UTF-8 */
    E_INTERNAL = -13, /* a bug or an unexpected library failure */
};

/* A short static English name for an error code ("not found"). */
const char *err_str(int e);

#endif
