/* SPDX-License-Identifier: MIT */
/* Unit tests of the served-object abstraction (common/object.c): references, file and memory
 * objects, growing semantics, wake-ups, ceilings, and one writer racing many readers. */
#include "origin_test.h"
#include "slc_err.h"
#include "slc_object.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static void test_memory(void)
{
    struct slc_object *o = NULL, *o2 = NULL, *r;
    struct slc_object_info info;
    char buf[8];
    size_t got = 0;
    const void *p = NULL;
    size_t n = 0;

    CHECK_INT(slc_object_new_memory_copy("hello", 5, &o), 0);
    slc_object_stat(o, &info);
    CHECK_INT(info.kind, SLC_OBJECT_MEMORY);
    CHECK_INT(info.size, 5);
    CHECK_INT(info.complete, 1);
    CHECK_INT(info.fd, -1);
    CHECK_INT(slc_object_read(o, 1, buf, sizeof(buf), &got), 0);
    CHECK_INT(got, 4);
    CHECK(memcmp(buf, "ello", 4) == 0);
    CHECK_INT(slc_object_read(o, 5, buf, sizeof(buf), &got), SLC_EOF);
    CHECK_INT(slc_object_peek(o, 2, &p, &n), 0);
    CHECK_INT(n, 3);
    CHECK_INT(slc_object_append(o, "x", 1), SLC_EINVAL);
    CHECK_INT(slc_object_complete(o), SLC_EINVAL);
    CHECK_INT(slc_object_new_memory_copy("hello", 5, &o2), 0);
    {
        struct slc_object_info i2;
        slc_object_stat(o2, &i2);
        CHECK(i2.validator == info.validator); /* same content, same validator */
    }
    slc_object_unref(&o2);
    CHECK_INT(slc_object_new_memory_copy("hellp", 5, &o2), 0);
    {
        struct slc_object_info i2;
        slc_object_stat(o2, &i2);
        CHECK(i2.validator != info.validator);
    }
    r = slc_object_ref(o);
    CHECK(r == o);
    slc_object_unref(&o);
    CHECK(o == NULL);
    CHECK_INT(slc_object_read(r, 0, buf, sizeof(buf), &got), 0); /* still alive */
    slc_object_unref(&r);
    slc_object_unref(&o2);
    slc_object_unref(&o2); /* NULL-safe */
}

static void test_file(void)
{
    char path[] = "/tmp/slc-object-XXXXXX";
    int fd = mkstemp(path);
    struct slc_object *o = NULL;
    struct slc_object_info info;
    char buf[16];
    size_t got = 0;
    const void *p;
    size_t n;

    CHECK(fd >= 0);
    CHECK_INT(write(fd, "0123456789", 10), 10);
    unlink(path);
    CHECK_INT(slc_object_new_file(fd, &o), 0);
    slc_object_stat(o, &info);
    CHECK_INT(info.kind, SLC_OBJECT_FILE);
    CHECK_INT(info.size, 10);
    CHECK_INT(info.fd, fd);
    CHECK(info.mtime > 0);
    CHECK_INT(slc_object_read(o, 7, buf, sizeof(buf), &got), 0);
    CHECK_INT(got, 3);
    CHECK(memcmp(buf, "789", 3) == 0);
    CHECK_INT(slc_object_read(o, 10, buf, sizeof(buf), &got), SLC_EOF);
    CHECK_INT(slc_object_peek(o, 0, &p, &n), SLC_EINVAL);
    slc_object_unref(&o);
    CHECK_INT(slc_object_new_file(open("/tmp", O_RDONLY), &o), SLC_EINVAL);
    CHECK(o == NULL);
}

struct wake_count {
    atomic_int n;
};

static void on_wake(void *opaque)
{
    struct wake_count *w = opaque;

    atomic_fetch_add(&w->n, 1);
}

static void test_growing(void)
{
    struct slc_object *o = NULL;
    struct slc_object_waiter w;
    struct wake_count wc = {0};
    struct slc_object_info info;
    char buf[200000];
    size_t got = 0;

    memset(&w, 0, sizeof(w));
    CHECK_INT(slc_object_new_growing(150000, &o), 0);
    CHECK_INT(slc_object_read(o, 0, buf, 10, &got), SLC_EAGAIN);
    CHECK_INT(slc_object_wait(o, 0, &w, on_wake, &wc), 0);
    CHECK_INT(atomic_load(&wc.n), 0);
    CHECK_INT(slc_object_append(o, "abc", 3), 0);
    CHECK_INT(atomic_load(&wc.n), 1); /* fired once, disarmed */
    CHECK_INT(slc_object_append(o, "def", 3), 0);
    CHECK_INT(atomic_load(&wc.n), 1);
    CHECK_INT(slc_object_wait(o, 2, &w, on_wake, &wc), 1); /* bytes already there */
    CHECK_INT(slc_object_wait(o, 6, &w, on_wake, &wc), 0);
    slc_object_wait_cancel(o, &w);
    CHECK_INT(slc_object_append(o, "g", 1), 0);
    CHECK_INT(atomic_load(&wc.n), 1); /* cancelled: not called */
    slc_object_wait_cancel(o, &w);    /* twice is fine */
    CHECK_INT(slc_object_read(o, 0, buf, sizeof(buf), &got), 0);
    CHECK_INT(got, 7);
    CHECK(memcmp(buf, "abcdefg", 7) == 0);
    /* across chunk boundaries */
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (char)(i * 7);
    }
    CHECK_INT(slc_object_append(o, buf, 140000), 0);
    CHECK_INT(slc_object_append(o, buf, 10000), SLC_ELIMIT); /* ceiling: 150000 */
    slc_object_stat(o, &info);
    CHECK_INT(info.size, 140007);
    CHECK_INT(info.complete, 0);
    {
        char back[140000];
        size_t off = 0;
        while (off < sizeof(back) &&
               slc_object_read(o, 7 + off, back + off, sizeof(back) - off, &got) == 0) {
            off += got;
        }
        CHECK_INT(off, 140000);
        CHECK(memcmp(back, buf, sizeof(back)) == 0);
    }
    CHECK_INT(slc_object_wait(o, info.size, &w, on_wake, &wc), 0);
    CHECK_INT(slc_object_complete(o), 0);
    CHECK_INT(atomic_load(&wc.n), 2); /* completion wakes */
    CHECK_INT(slc_object_complete(o), SLC_EINVAL);
    CHECK_INT(slc_object_append(o, "x", 1), SLC_EINVAL);
    CHECK_INT(slc_object_read(o, info.size, buf, 1, &got), SLC_EOF);
    CHECK_INT(slc_object_wait(o, info.size, &w, on_wake, &wc), 1);
    slc_object_unref(&o);
}

static void test_fail(void)
{
    struct slc_object *o = NULL, *o2 = NULL;
    struct slc_object_info info;
    char buf[4];
    size_t got;

    CHECK_INT(slc_object_new_growing(0, &o), 0);
    CHECK_INT(slc_object_append(o, "ab", 2), 0);
    CHECK_INT(slc_object_fail(o, SLC_EIO), 0);
    slc_object_stat(o, &info);
    CHECK_INT(info.complete, 1);
    CHECK_INT(info.error, SLC_EIO);
    CHECK_INT(slc_object_read(o, 0, buf, 4, &got), 0); /* what was written stays readable */
    CHECK_INT(slc_object_read(o, 2, buf, 4, &got), SLC_EIO);
    CHECK_INT(slc_object_new_growing(0, &o2), 0);
    CHECK_INT(slc_object_fail(o2, 0), 0); /* no code given: EIO */
    slc_object_stat(o2, &info);
    CHECK_INT(info.error, SLC_EIO);
    slc_object_unref(&o);
    slc_object_unref(&o2);
}

/* ---- one writer, many readers, under ASan/TSan-friendly rules ---- */

#define RACE_READERS 8
#define RACE_BYTES (3u * 1024u * 1024u + 123u)

struct reader {
    struct slc_object *obj;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int woken;
    int ok;
};

static void reader_wake(void *opaque)
{
    struct reader *r = opaque;

    pthread_mutex_lock(&r->lock);
    r->woken = 1;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    struct slc_object_waiter w;
    uint64_t off = 0;
    unsigned char buf[5000];
    int ret;

    memset(&w, 0, sizeof(w));
    r->ok = 1;
    for (;;) {
        size_t got = 0;
        ret = slc_object_read(r->obj, off, buf, sizeof(buf), &got);
        if (ret == 0) {
            for (size_t i = 0; i < got; i++) {
                if (buf[i] != (unsigned char)((off + i) % 251)) {
                    r->ok = 0;
                }
            }
            off += got;
            continue;
        }
        if (ret != SLC_EAGAIN) {
            break;
        }
        pthread_mutex_lock(&r->lock);
        r->woken = 0;
        pthread_mutex_unlock(&r->lock);
        if (slc_object_wait(r->obj, off, &w, reader_wake, r) == 0) {
            pthread_mutex_lock(&r->lock);
            while (!r->woken) {
                pthread_cond_wait(&r->cond, &r->lock);
            }
            pthread_mutex_unlock(&r->lock);
        }
    }
    slc_object_wait_cancel(r->obj, &w);
    if (ret != SLC_EOF || off != RACE_BYTES) {
        r->ok = 0;
    }
    slc_object_unref(&r->obj);
    return NULL;
}

static void test_race(void)
{
    struct slc_object *o = NULL;
    struct reader readers[RACE_READERS];
    pthread_t th[RACE_READERS];
    unsigned char *data = malloc(RACE_BYTES);
    size_t off = 0, step = 1;

    CHECK(data != NULL);
    for (size_t i = 0; i < RACE_BYTES; i++) {
        data[i] = (unsigned char)(i % 251);
    }
    CHECK_INT(slc_object_new_growing(RACE_BYTES, &o), 0);
    for (int i = 0; i < RACE_READERS; i++) {
        readers[i].obj = slc_object_ref(o);
        pthread_mutex_init(&readers[i].lock, NULL);
        pthread_cond_init(&readers[i].cond, NULL);
        pthread_create(&th[i], NULL, reader_main, &readers[i]);
    }
    while (off < RACE_BYTES) {
        size_t n = step < RACE_BYTES - off ? step : RACE_BYTES - off;
        CHECK_INT(slc_object_append(o, data + off, n), 0);
        off += n;
        step = step * 3 % 20011 + 1; /* odd sizes straddle the chunk boundaries */
    }
    CHECK_INT(slc_object_complete(o), 0);
    slc_object_unref(&o); /* the readers keep it alive */
    for (int i = 0; i < RACE_READERS; i++) {
        pthread_join(th[i], NULL);
        CHECK(readers[i].ok);
        pthread_mutex_destroy(&readers[i].lock);
        pthread_cond_destroy(&readers[i].cond);
    }
    free(data);
}

int main(void)
{
    test_memory();
    test_file();
    test_growing();
    test_fail();
    for (int i = 0; i < 5; i++) {
        test_race();
    }
    return test_done();
}
