/*
 * config: hearth.conf parsing with libinih, strict about unknown keys and
 * long lines (Debian's libinih splits lines over 200 characters silently,
 * so they are refused before parsing).
 */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = xstrdup(v);
}

void config_init(struct config *c, const char *data_dir)
{
    memset(c, 0, sizeof(*c));
    c->data_dir = xstrdup(data_dir);
    c->url = xstrdup("http://127.0.0.1:8080");
    c->domain = xstrdup("127.0.0.1:8080");
    c->listen = xstrdup("127.0.0.1:8080");
    c->log_level = xstrdup("info");
    size_t n = strlen(data_dir) + sizeof("/hearth.db");
    c->db_path = xmalloc(n);
    snprintf(c->db_path, n, "%s/hearth.db", data_dir);
    c->test_network = 0;
    c->max_status_chars = LIMIT_STATUS_CHARS_DEFAULT;
    c->min_poll_seconds = LIMIT_POLL_EXPIRY_MIN_S;
    c->min_schedule_seconds = LIMIT_SCHEDULE_MIN_S;
    c->rate_limit = LIMIT_RATE_DEFAULT;
    c->rate_limit_period = LIMIT_RATE_PERIOD_S_DEFAULT;
    c->title = xstrdup("Hearth");
    c->description = xstrdup("");
    c->contact_email = xstrdup("");
    c->source_url = xstrdup("");
    c->registrations = xstrdup("closed");
}

void config_fini(struct config *c)
{
    free(c->data_dir);
    free(c->url);
    free(c->domain);
    free(c->listen);
    free(c->db_path);
    free(c->log_level);
    free(c->title);
    free(c->description);
    free(c->contact_email);
    free(c->source_url);
    free(c->registrations);
    memset(c, 0, sizeof(*c));
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0")) {
        *out = 0;
        return 0;
    }
    return E_INVAL;
}

static int parse_int(const char *v, long min, long max, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return E_INVAL;
    *out = (int)n;
    return 0;
}

int config_set_url(struct config *c, const char *url, char *why, size_t why_size)
{
    const char *rest;
    if (!strncmp(url, "https://", 8))
        rest = url + 8;
    else if (!strncmp(url, "http://", 7))
        rest = url + 7;
    else {
        snprintf(why, why_size, "url must start with http:// or https://: '%s'", url);
        return E_INVAL;
    }
    size_t len = strlen(rest);
    if (len > 0 && rest[len - 1] == '/')
        len--;
    if (len == 0 || len > LIMIT_DOMAIN_CHARS + 6) {
        snprintf(why, why_size, "url has no valid host: '%s'", url);
        return E_INVAL;
    }
    /* host[:port], nothing else: no path, query, fragment or credentials. */
    size_t colon = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)rest[i];
        if (ch == ':' && !colon && i > 0) {
            colon = i;
            continue;
        }
        if (colon) {
            if (!isdigit(ch)) {
                snprintf(why, why_size, "url has an invalid port: '%s'", url);
                return E_INVAL;
            }
        } else if (!(isalnum(ch) || ch == '.' || ch == '-')) {
            snprintf(why, why_size,
                     "url must be scheme://host[:port] with no path or credentials: '%s'", url);
            return E_INVAL;
        }
    }
    if (colon) {
        int port;
        char portbuf[8];
        size_t plen = len - colon - 1;
        if (plen == 0 || plen > 5) {
            snprintf(why, why_size, "url has an invalid port: '%s'", url);
            return E_INVAL;
        }
        memcpy(portbuf, rest + colon + 1, plen);
        portbuf[plen] = '\0';
        if (parse_int(portbuf, 1, 65535, &port)) {
            snprintf(why, why_size, "url has an invalid port: '%s'", url);
            return E_INVAL;
        }
    }
    size_t scheme_len = (size_t)(rest - url);
    free(c->url);
    c->url = xstrndup(url, scheme_len + len);
    for (char *p = c->url; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    free(c->domain);
    c->domain = xstrdup(c->url + scheme_len);
    return 0;
}

int config_check_listen(const char *listen, char *why, size_t why_size)
{
    const char *colon = strrchr(listen, ':');
    int port;
    if (!colon || colon == listen || parse_int(colon + 1, 0, 65535, &port)) {
        snprintf(why, why_size, "listen must be HOST:PORT (e.g. 127.0.0.1:8080): '%s'", listen);
        return E_INVAL;
    }
    if (listen[0] == '[' && colon[-1] != ']') {
        snprintf(why, why_size, "listen must be [IPV6]:PORT for IPv6: '%s'", listen);
        return E_INVAL;
    }
    return 0;
}

struct parse_state {
    struct config *c;
    char *why;
    size_t why_size;
    int line;
    int failed;
};

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *st = user;
    struct config *c = st->c;
    char reason[256];
    reason[0] = '\0';
    if (!strcmp(section, "server")) {
        if (!strcmp(name, "url")) {
            if (config_set_url(c, value, reason, sizeof(reason)))
                goto bad;
        } else if (!strcmp(name, "listen")) {
            if (config_check_listen(value, reason, sizeof(reason)))
                goto bad;
            set_str(&c->listen, value);
        } else if (!strcmp(name, "test_network")) {
            if (parse_bool(value, &c->test_network)) {
                snprintf(reason, sizeof(reason), "test_network must be true or false");
                goto bad;
            }
        } else if (!strcmp(name, "authorized_fetch")) {
            if (parse_bool(value, &c->authorized_fetch)) {
                snprintf(reason, sizeof(reason), "authorized_fetch must be true or false");
                goto bad;
            }
        } else if (!strcmp(name, "log_level")) {
            enum log_level lv;
            if (log_level_parse(value, &lv)) {
                snprintf(reason, sizeof(reason), "log_level must be error, warn, info or debug");
                goto bad;
            }
            set_str(&c->log_level, value);
        } else {
            goto unknown;
        }
    } else if (!strcmp(section, "database")) {
        if (!strcmp(name, "path")) {
            if (!*value) {
                snprintf(reason, sizeof(reason), "path must not be empty");
                goto bad;
            }
            free(c->db_path);
            if (value[0] == '/') {
                c->db_path = xstrdup(value);
            } else {
                size_t n = strlen(c->data_dir) + strlen(value) + 2;
                c->db_path = xmalloc(n);
                snprintf(c->db_path, n, "%s/%s", c->data_dir, value);
            }
        } else {
            goto unknown;
        }
    } else if (!strcmp(section, "limits")) {
        if (!strcmp(name, "max_status_chars")) {
            if (parse_int(value, 1, 100000, &c->max_status_chars)) {
                snprintf(reason, sizeof(reason), "max_status_chars must be 1 to 100000");
                goto bad;
            }
        } else if (!strcmp(name, "min_poll_seconds")) {
            if (parse_int(value, 1, LIMIT_POLL_EXPIRY_MAX_S, &c->min_poll_seconds)) {
                snprintf(reason, sizeof(reason), "min_poll_seconds must be 1 to %d",
                         LIMIT_POLL_EXPIRY_MAX_S);
                goto bad;
            }
        } else if (!strcmp(name, "min_schedule_seconds")) {
            if (parse_int(value, 1, 86400, &c->min_schedule_seconds)) {
                snprintf(reason, sizeof(reason), "min_schedule_seconds must be 1 to 86400");
                goto bad;
            }
        } else if (!strcmp(name, "rate_limit")) {
            if (parse_int(value, 0, 1000000, &c->rate_limit)) {
                snprintf(reason, sizeof(reason), "rate_limit must be 0 (off) to 1000000");
                goto bad;
            }
        } else if (!strcmp(name, "rate_limit_period")) {
            if (parse_int(value, 1, 86400, &c->rate_limit_period)) {
                snprintf(reason, sizeof(reason), "rate_limit_period must be 1 to 86400 seconds");
                goto bad;
            }
        } else {
            goto unknown;
        }
    } else if (!strcmp(section, "instance")) {
        if (!strcmp(name, "title")) {
            if (!*value) {
                snprintf(reason, sizeof(reason), "title must not be empty");
                goto bad;
            }
            set_str(&c->title, value);
        } else if (!strcmp(name, "description")) {
            set_str(&c->description, value);
        } else if (!strcmp(name, "contact_email")) {
            if (*value && (!strchr(value, '@') || strchr(value, ' '))) {
                snprintf(reason, sizeof(reason), "contact_email is not an e-mail address");
                goto bad;
            }
            set_str(&c->contact_email, value);
        } else if (!strcmp(name, "source_url")) {
            if (*value && strncmp(value, "https://", 8) && strncmp(value, "http://", 7)) {
                snprintf(reason, sizeof(reason), "source_url must be an http(s) URL");
                goto bad;
            }
            set_str(&c->source_url, value);
        } else if (!strcmp(name, "registrations")) {
            if (strcmp(value, "closed") && strcmp(value, "open") && strcmp(value, "approval")) {
                snprintf(reason, sizeof(reason), "registrations must be closed, open or approval");
                goto bad;
            }
            set_str(&c->registrations, value);
        } else {
            goto unknown;
        }
    } else {
        snprintf(reason, sizeof(reason), "unknown section [%s]", section);
        goto bad;
    }
    return 1;
unknown:
    snprintf(reason, sizeof(reason), "unknown key '%s' in [%s]", name, section);
bad:
    if (!st->failed) {
        st->failed = 1;
        snprintf(st->why, st->why_size, "%s", reason);
    }
    return 0;
}

int config_load(struct config *c, const char *data_dir, char *why, size_t why_size)
{
    char path[PATH_MAX];
    int rc = 0;
    struct buf text;
    buf_init(&text, LIMIT_CONFIG_BYTES);
    snprintf(path, sizeof(path), "%s/%s", data_dir, CONFIG_FILE);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
        rc = errno == ENOENT ? E_NOTFOUND : E_IO;
        goto out;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(&text, chunk, n)) {
            snprintf(why, why_size, "%s is larger than %d bytes", path, LIMIT_CONFIG_BYTES);
            rc = E_INVAL;
            goto out;
        }
    }
    if (ferror(f)) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
        rc = E_IO;
        goto out;
    }
    /* Refuse long lines and NUL bytes before libinih sees them. */
    int line = 1;
    size_t col = 0;
    for (size_t i = 0; i < text.len; i++) {
        char ch = text.data[i];
        if (ch == '\0') {
            snprintf(why, why_size, "%s:%d: NUL byte in the file", CONFIG_FILE, line);
            rc = E_INVAL;
            goto out;
        }
        if (ch == '\n') {
            line++;
            col = 0;
        } else if (++col > LIMIT_CONFIG_LINE) {
            snprintf(why, why_size, "%s:%d: line longer than %d characters", CONFIG_FILE, line,
                     LIMIT_CONFIG_LINE);
            rc = E_INVAL;
            goto out;
        }
    }
    struct parse_state st = {.c = c, .why = why, .why_size = why_size};
    char reason[256] = "";
    st.why = reason;
    st.why_size = sizeof(reason);
    int bad_line = ini_parse_string(buf_cstr(&text), on_entry, &st);
    if (bad_line != 0) {
        if (st.failed)
            snprintf(why, why_size, "%s:%d: %s", CONFIG_FILE, bad_line, reason);
        else
            snprintf(why, why_size, "%s:%d: syntax error (expected [section] or key = value)",
                     CONFIG_FILE, bad_line);
        rc = E_INVAL;
        goto out;
    }
out:
    if (f)
        fclose(f);
    buf_fini(&text);
    return rc;
}

int config_save(const struct config *c, char *why, size_t why_size)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    snprintf(path, sizeof(path), "%s/%s", c->data_dir, CONFIG_FILE);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    /* The database path is stored relative to the data folder when it lies inside it. */
    const char *db = c->db_path;
    size_t dlen = strlen(c->data_dir);
    if (!strncmp(db, c->data_dir, dlen) && db[dlen] == '/')
        db += dlen + 1;
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(why, why_size, "cannot write %s: %s", tmp, strerror(errno));
        return E_IO;
    }
    fprintf(f,
            "; Hearth configuration. See the README for every key.\n"
            "[server]\n"
            "url = %s\n"
            "listen = %s\n"
            "test_network = %s\n"
            "authorized_fetch = %s\n"
            "log_level = %s\n"
            "\n"
            "[database]\n"
            "path = %s\n"
            "\n"
            "[limits]\n"
            "max_status_chars = %d\n"
            "min_poll_seconds = %d\n"
            "min_schedule_seconds = %d\n"
            "rate_limit = %d\n"
            "rate_limit_period = %d\n"
            "\n"
            "[instance]\n"
            "title = %s\n"
            "description = %s\n"
            "contact_email = %s\n"
            "source_url = %s\n"
            "registrations = %s\n",
            c->url, c->listen, c->test_network ? "true" : "false",
            c->authorized_fetch ? "true" : "false", c->log_level, db, c->max_status_chars,
            c->min_poll_seconds, c->min_schedule_seconds, c->rate_limit, c->rate_limit_period,
            c->title, c->description, c->contact_email, c->source_url, c->registrations);
    int failed = ferror(f);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        failed = 1;
    if (fclose(f) != 0)
        failed = 1;
    if (failed || rename(tmp, path) != 0) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return E_IO;
    }
    return 0;
}
