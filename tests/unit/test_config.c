/*
 * Unit tests for src/util/config.c and lockfile.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "util/config.h"
#include "util/err.h"
#include "util/lockfile.h"

static char dir[] = "/tmp/hearth-test-config-XXXXXX";

static void write_conf(const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/hearth.conf", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static int load(struct config *c, char *why)
{
    config_init(c, dir);
    return config_load(c, dir, why, 256);
}

TEST(url_and_domain)
{
    struct config c;
    char why[256];
    config_init(&c, "/x");
    CHECK_INT(config_set_url(&c, "https://Social.Example/", why, sizeof(why)), 0);
    CHECK_STR(c.url, "https://social.example");
    CHECK_STR(c.domain, "social.example");
    CHECK_INT(config_set_url(&c, "http://127.0.0.1:8081", why, sizeof(why)), 0);
    CHECK_STR(c.domain, "127.0.0.1:8081");
    CHECK_INT(config_set_url(&c, "ftp://x", why, sizeof(why)), E_INVAL);
    CHECK_INT(config_set_url(&c, "https://x.example/path", why, sizeof(why)), E_INVAL);
    CHECK_INT(config_set_url(&c, "https://user@x.example", why, sizeof(why)), E_INVAL);
    CHECK_INT(config_set_url(&c, "https://x.example:99999", why, sizeof(why)), E_INVAL);
    CHECK_INT(config_set_url(&c, "https://", why, sizeof(why)), E_INVAL);
    CHECK_STR(c.url, "http://127.0.0.1:8081"); /* unchanged by the failures */
    CHECK_INT(config_check_listen("127.0.0.1:8080", why, sizeof(why)), 0);
    CHECK_INT(config_check_listen("[::1]:8080", why, sizeof(why)), 0);
    CHECK_INT(config_check_listen("8080", why, sizeof(why)), E_INVAL);
    CHECK_INT(config_check_listen("localhost:http", why, sizeof(why)), E_INVAL);
    config_fini(&c);
}

TEST(save_then_load)
{
    struct config c;
    char why[256];
    config_init(&c, dir);
    CHECK_INT(config_set_url(&c, "http://127.0.0.1:9999", why, sizeof(why)), 0);
    c.test_network = 1;
    c.max_status_chars = 1000;
    CHECK_INT(config_save(&c, why, sizeof(why)), 0);
    config_fini(&c);
    CHECK_INT(load(&c, why), 0);
    CHECK_STR(c.url, "http://127.0.0.1:9999");
    CHECK_STR(c.domain, "127.0.0.1:9999");
    CHECK_INT(c.test_network, 1);
    CHECK_INT(c.max_status_chars, 1000);
    char expect[512];
    snprintf(expect, sizeof(expect), "%s/hearth.db", dir);
    CHECK_STR(c.db_path, expect);
    config_fini(&c);
}

TEST(bad_configs_name_the_line)
{
    struct config c;
    char why[256];
    write_conf("[server]\nurl = http://a.example\nprot = 5\n");
    CHECK_INT(load(&c, why), E_INVAL);
    CHECK(strstr(why, "hearth.conf:3") != NULL);
    CHECK(strstr(why, "unknown key 'prot'") != NULL);
    config_fini(&c);

    write_conf("[server]\ntest_network = maybe\n");
    CHECK_INT(load(&c, why), E_INVAL);
    CHECK(strstr(why, "test_network") != NULL);
    config_fini(&c);

    write_conf("[nope]\nx = 1\n");
    CHECK_INT(load(&c, why), E_INVAL);
    CHECK(strstr(why, "unknown section [nope]") != NULL);
    config_fini(&c);

    write_conf("[server]\nthis line has no equals sign\n");
    CHECK_INT(load(&c, why), E_INVAL);
    CHECK(strstr(why, "hearth.conf:2") != NULL);
    config_fini(&c);

    char longline[400];
    memset(longline, 'a', sizeof(longline));
    memcpy(longline, "[server]\nurl = http://", 22);
    longline[sizeof(longline) - 1] = '\0';
    write_conf(longline);
    CHECK_INT(load(&c, why), E_INVAL);
    CHECK(strstr(why, "longer than") != NULL);
    config_fini(&c);

    write_conf("[limits]\nmax_status_chars = -3\n");
    CHECK_INT(load(&c, why), E_INVAL);
    config_fini(&c);

    char path[512];
    snprintf(path, sizeof(path), "%s/hearth.conf", dir);
    unlink(path);
    CHECK_INT(load(&c, why), E_NOTFOUND);
    config_fini(&c);
}

TEST(lock_is_exclusive)
{
    int fd1 = -1, fd2 = -1;
    long pid = 0;
    char why[256];
    CHECK_INT(lockfile_acquire(dir, &fd1, &pid, why, sizeof(why)), 0);
    /* flock locks belong to the open file description: a second open conflicts. */
    CHECK_INT(lockfile_acquire(dir, &fd2, &pid, why, sizeof(why)), E_BUSY);
    CHECK_INT(pid, (long)getpid());
    lockfile_release(fd1);
    CHECK_INT(lockfile_acquire(dir, &fd2, &pid, why, sizeof(why)), 0);
    lockfile_release(fd2);
    CHECK_INT(lockfile_acquire("/nonexistent/dir", &fd2, &pid, why, sizeof(why)), E_IO);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(url_and_domain);
    RUN(save_then_load);
    RUN(bad_configs_name_the_line);
    RUN(lock_is_exclusive);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return t_done();
}
