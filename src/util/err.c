/*
 * err: names of the error codes.
 */
#include "util/err.h"

const char *err_str(int e)
{
    switch (e) {
    case E_OK:
        return "ok";
    case E_NOMEM:
        return "out of memory";
    case E_INVAL:
        return "invalid input";
    case E_NOTFOUND:
        return "not found";
    case E_AUTH:
        return "not authenticated";
    case E_FORBIDDEN:
        return "forbidden";
    case E_LIMIT:
        return "limit exceeded";
    case E_DB:
        return "database error";
    case E_REMOTE:
        return "remote error";
    case E_EXISTS:
        return "already exists";
    case E_IO:
        return "i/o error";
    case E_BUSY:
        return "busy";
    case E_UTF8:
        return "invalid UTF-8";
    case E_INTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}
