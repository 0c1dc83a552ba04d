/* SPDX-License-Identifier: MIT */
/* Reference-counted objects that the origin serves: a file, a complete memory buffer, or a
 * memory object that a writer is still growing. Knows nothing of FFmpeg or HTTP. */
#ifndef SLC_OBJECT_H
#define SLC_OBJECT_H

#include <stddef.h>
#include <stdint.h>

enum slc_object_kind {
    SLC_OBJECT_FILE = 1,    /* an open regular file: fd + size + mtime; served with sendfile */
    SLC_OBJECT_MEMORY = 2,  /* a complete, contiguous, immutable buffer */
    SLC_OBJECT_GROWING = 3, /* chunks appended by one writer until it completes or fails */
};

/* Ceiling on a growing object when the writer gives none: a 6 s segment at 80 Mbit/s. */
#define SLC_OBJECT_GROWING_DEFAULT_MAX (64u * 1024u * 1024u)
/* Growing objects store their bytes in chunks of this size that never move once allocated. */
#define SLC_OBJECT_CHUNK_SIZE (64u * 1024u)

struct slc_object;

/** What a reader sees of an object at one instant. */
struct slc_object_info {
    enum slc_object_kind kind;
    uint64_t size;       /* bytes readable now; the final size once `complete` */
    int complete;        /* 1 when no more bytes will be appended */
    int error;           /* 0, or the negative slc_err the writer failed with (then complete) */
    int64_t mtime;       /* seconds since the epoch: the file's mtime or the object's creation */
    uint64_t validator;  /* changes whenever the content does: a file's inode/size/mtime mix,
                          * a memory object's content hash; growing: valid once complete */
    int fd;              /* FILE: the object's descriptor (owned by the object: dup() it to hand
                          * it on); -1 otherwise */
    int validator_fixed; /* 1: set by the writer (slc_object_set_validator), valid while growing */
};

/** Called once when a waiter's condition holds (see slc_object_wait). */
typedef void (*slc_object_wake_fn)(void *opaque);

/** A wake-up registration in the reader's storage. Fields are private to object.c. */
struct slc_object_waiter {
    slc_object_wake_fn fn;
    void *opaque;
    uint64_t offset;
    struct slc_object_waiter *prev, *next;
    int armed;
};

/** Wrap the open regular file `fd`; the object owns it (closed on the last unref, and on
 * failure here). 0, SLC_EINVAL (not a regular file), SLC_EIO (fstat failed), SLC_ENOMEM. */
int slc_object_new_file(int fd, struct slc_object **out);

/** Wrap `len` bytes at `data`, a malloc()'d buffer the object takes over (free()d on the last
 * unref, and on failure here). The object is complete. 0 or SLC_ENOMEM. */
int slc_object_new_memory(void *data, size_t len, struct slc_object **out);

/** Copy `len` bytes into a new complete memory object. 0 or SLC_ENOMEM. */
int slc_object_new_memory_copy(const void *data, size_t len, struct slc_object **out);

/** An empty growing object that accepts at most `max_size` bytes (0: the default ceiling).
 * 0 or SLC_ENOMEM. */
int slc_object_new_growing(uint64_t max_size, struct slc_object **out);

/** Set the modification time readers see (seconds since the epoch; the default is the
 * creation time). Call before sharing the object: it is not synchronised. */
void slc_object_set_mtime(struct slc_object *o, int64_t mtime);

/** Fix the validator readers see, before any byte is appended, for a writer that knows the
 * identity of the content up front (a deterministic JIT segment: its ETag is known before it is
 * produced). Call before sharing the object: it is not synchronised. */
void slc_object_set_validator(struct slc_object *o, uint64_t validator);

/** splitmix64's finaliser: nearby inputs give unrelated outputs (for validators). */
uint64_t slc_object_mix64(uint64_t x);

/** Take one more reference; returns `o`. Thread-safe. */
struct slc_object *slc_object_ref(struct slc_object *o);

/** Drop the reference at *pp (NULL-safe) and set *pp = NULL; the last one frees the object.
 * Thread-safe. A growing object must have no armed waiters left when it is freed. */
void slc_object_unref(struct slc_object **pp);

/** Snapshot of the object's state. Thread-safe. */
void slc_object_stat(struct slc_object *o, struct slc_object_info *info);

/** Writer: append `n` bytes to a growing object and wake the waiters that wanted them.
 * 0, SLC_EINVAL (not growing, or already complete), SLC_ELIMIT (would pass the ceiling; nothing
 * is appended), SLC_ENOMEM. One writer at a time; thread-safe against readers. */
int slc_object_append(struct slc_object *o, const void *p, size_t n);

/** Writer: mark a growing object complete (its size is final) and wake every waiter.
 * 0 or SLC_EINVAL (not growing or already complete). */
int slc_object_complete(struct slc_object *o);

/** Writer: give up on a growing object with the negative slc_err `err` (e.g. SLC_EIO); it is
 * complete and readers past its end see `err`. 0 or SLC_EINVAL. */
int slc_object_fail(struct slc_object *o, int err);

/** Reader: copy up to `cap` bytes from `offset` into `buf`; *got says how many (> 0 on success).
 * Returns 0, SLC_EAGAIN (no bytes at `offset` yet, the writer is still going), SLC_EOF
 * (`offset` is at or past the final size), the writer's error (failed object), or SLC_EIO
 * (file read failed). Thread-safe; the bytes below the size never change. */
int slc_object_read(struct slc_object *o, uint64_t offset, void *buf, size_t cap, size_t *got);

/** Reader, zero-copy: point *p at the contiguous bytes that start at `offset` (*n of them,
 * > 0). MEMORY and GROWING only. The pointer stays valid while the caller holds a reference.
 * Same returns as slc_object_read, plus SLC_EINVAL for a FILE object. */
int slc_object_peek(struct slc_object *o, uint64_t offset, const void **p, size_t *n);

/** Reader: arm `w` so that fn(opaque) is called once, on the writer's thread, when the object
 * holds more than `offset` bytes or is complete. Returns 1 when that already holds (nothing is
 * armed, fn is not called), 0 when armed. fn runs with the object's lock held: it must be quick
 * and must not call slc_object_* functions. `w` must stay valid until it fired or was
 * cancelled. Non-growing objects are always complete: 1. */
int slc_object_wait(struct slc_object *o, uint64_t offset, struct slc_object_waiter *w,
                    slc_object_wake_fn fn, void *opaque);

/** Reader: disarm `w` if it is armed. On return fn is neither running nor going to run for
 * this registration. Safe to call on a waiter that already fired or was never armed (zeroed). */
void slc_object_wait_cancel(struct slc_object *o, struct slc_object_waiter *w);

#endif
