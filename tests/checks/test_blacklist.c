/* --blacklist: addresses and networks of both families, comments, bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks/blacklist.h"

static struct ipaddr ip(const char *s)
{
    struct ipaddr a;
    assert_int_equal(ipaddr_parse(s, &a), 0);
    return a;
}

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof(path), "/tmp/ntop-bl-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static bool listed(const char *s)
{
    struct ipaddr a = ip(s);
    return blacklist_contains(&a);
}

static void test_entries(void **state)
{
    (void)state;
    write_file("# comment line\n\n  10.1.2.3  \n192.168.0.0/16 # trailing comment\n"
               "2001:db8::/32\n::1\n0.0.0.0/0\n");
    char err[256];
    assert_int_equal(blacklist_load(path, err, sizeof(err)), 0);
    unlink(path);
    assert_int_equal(blacklist_size(), 5);
    assert_true(listed("10.1.2.3"));
    assert_true(listed("192.168.200.7"));
    assert_true(listed("2001:db8:ffff::1"));
    assert_true(listed("::1"));
    assert_false(listed("::2"));
    assert_false(listed("2001:db9::1"));
    assert_true(listed("8.8.8.8")); /* 0.0.0.0/0 holds every IPv4 address, no IPv6 one */
    assert_false(listed("fe80::1"));
    blacklist_free();
    assert_false(listed("10.1.2.3"));
}

static void test_bad_line(void **state)
{
    (void)state;
    write_file("10.0.0.1\n10.0.0.0/33\n");
    char err[256];
    assert_int_equal(blacklist_load(path, err, sizeof(err)), -1);
    unlink(path);
    assert_non_null(strstr(err, ":2: '10.0.0.0/33' is not an IP address or CIDR network"));
    assert_int_equal(blacklist_size(), 0);
    assert_int_equal(blacklist_load("/nonexistent/bl.txt", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
}

static void test_empty(void **state)
{
    (void)state;
    assert_false(listed("10.1.2.3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_bad_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
