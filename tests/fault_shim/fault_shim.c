/*
 * An LD_PRELOAD shim that makes file I/O fail, for the I/O fault tests (tests/src/faults.rs,
 * ADR 0017). Only calls on paths under $TWOFOLD_FAULT_DIR (and file descriptors opened from
 * there) are counted; everything else — the test harness, stdout, the loader — passes
 * through untouched.
 *
 * The child arms the shim by opening the magic path MAGIC "arm" (the open fails with ENOENT,
 * nothing is created), so the store's own set-up before the step is not counted. Each counted
 * call is a fault point; point number $TWOFOLD_FAULT_AT fails with $TWOFOLD_FAULT_ERRNO
 * (ENOSPC, EIO or EROFS). With $TWOFOLD_FAULT_STICKY=1 every later point fails too (a full
 * disk stays full, a read-only file system stays read-only) until the child opens MAGIC
 * "disarm" (space came back). Opening MAGIC "fired" answers EEXIST when a fault was injected
 * and ENOENT when the step ran out of points first.
 *
 * Counted: write, pwrite(64), writev, fsync, fdatasync, ftruncate(64), fallocate(64), and
 * opens with write intent (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC), rename(at), unlink(at) (not
 * under ENOSPC: a full disk lets files go), mkdir(at). Reads always pass: the faults are on
 * the way to the disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAGIC "/nonexistent-twofold-fault/"
#define MAX_FDS 65536

static char fault_dir[4096];
static size_t fault_dir_len;
static long fault_at;
static int fault_errno = EIO;
static int sticky;
static int armed;
static int disarmed;
static int fired;
static long counter;
static unsigned char tracked[MAX_FDS];
static int initialised;

static void init(void) {
    if (__atomic_load_n(&initialised, __ATOMIC_ACQUIRE)) return;
    const char *dir = getenv("TWOFOLD_FAULT_DIR");
    if (dir && strlen(dir) < sizeof fault_dir) {
        strcpy(fault_dir, dir);
        fault_dir_len = strlen(fault_dir);
    }
    const char *at = getenv("TWOFOLD_FAULT_AT");
    fault_at = at ? atol(at) : 0;
    const char *e = getenv("TWOFOLD_FAULT_ERRNO");
    if (e && strcmp(e, "ENOSPC") == 0) fault_errno = ENOSPC;
    else if (e && strcmp(e, "EROFS") == 0) fault_errno = EROFS;
    else fault_errno = EIO;
    const char *s = getenv("TWOFOLD_FAULT_STICKY");
    sticky = s && strcmp(s, "1") == 0;
    __atomic_store_n(&initialised, 1, __ATOMIC_RELEASE);
}

static int under_dir(const char *path) {
    init();
    return path && fault_dir_len > 0 && strncmp(path, fault_dir, fault_dir_len) == 0;
}

static int is_tracked(int fd) {
    init();
    return fd >= 0 && fd < MAX_FDS && __atomic_load_n(&tracked[fd], __ATOMIC_RELAXED);
}

/* One fault point: 1 when this call must fail (errno is set). */
static int fault_point(void) {
    if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE) || __atomic_load_n(&disarmed, __ATOMIC_ACQUIRE))
        return 0;
    long n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    if (fault_at <= 0) return 0;
    if (n == fault_at || (sticky && n > fault_at)) {
        __atomic_store_n(&fired, 1, __ATOMIC_RELEASE);
        errno = fault_errno;
        return 1;
    }
    return 0;
}

/* Answers the magic paths; 1 when `path` was one (errno and the return value are set). */
static int magic(const char *path, int *ret) {
    if (!path || strncmp(path, MAGIC, strlen(MAGIC)) != 0) return 0;
    const char *what = path + strlen(MAGIC);
    *ret = -1;
    if (strcmp(what, "arm") == 0) {
        __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
        errno = ENOENT;
    } else if (strcmp(what, "disarm") == 0) {
        __atomic_store_n(&disarmed, 1, __ATOMIC_RELEASE);
        errno = ENOENT;
    } else if (strcmp(what, "fired") == 0) {
        errno = __atomic_load_n(&fired, __ATOMIC_ACQUIRE) ? EEXIST : ENOENT;
    } else {
        errno = ENOENT;
    }
    return 1;
}

static int writes(int flags) {
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

#define REAL(name) \
    static __typeof__(&name) real_##name; \
    if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static int do_open(const char *sym, int dirfd, int at, const char *path, int flags, mode_t mode) {
    int ret;
    if (magic(path, &ret)) return ret;
    /* A relative path under openat is counted only when it is absolute or the fd is ours. */
    int ours = under_dir(path) || (at && path && path[0] != '/' && is_tracked(dirfd));
    if (ours && writes(flags) && fault_point()) return -1;
    int fd;
    if (at) {
        typedef int (*fn)(int, const char *, int, ...);
        fn real = (fn)dlsym(RTLD_NEXT, sym);
        fd = real(dirfd, path, flags, mode);
    } else {
        typedef int (*fn)(const char *, int, ...);
        fn real = (fn)dlsym(RTLD_NEXT, sym);
        fd = real(path, flags, mode);
    }
    if (fd >= 0 && fd < MAX_FDS) __atomic_store_n(&tracked[fd], ours ? 1 : 0, __ATOMIC_RELAXED);
    return fd;
}

static mode_t mode_arg(int flags, va_list ap) {
    if (flags & (O_CREAT | O_TMPFILE)) return (mode_t)va_arg(ap, int);
    return 0;
}

int open(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t m = mode_arg(flags, ap); va_end(ap);
    return do_open("open", AT_FDCWD, 0, path, flags, m);
}
int open64(const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t m = mode_arg(flags, ap); va_end(ap);
    return do_open("open64", AT_FDCWD, 0, path, flags, m);
}
int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t m = mode_arg(flags, ap); va_end(ap);
    return do_open("openat", dirfd, 1, path, flags, m);
}
int openat64(int dirfd, const char *path, int flags, ...) {
    va_list ap; va_start(ap, flags); mode_t m = mode_arg(flags, ap); va_end(ap);
    return do_open("openat64", dirfd, 1, path, flags, m);
}

int close(int fd) {
    REAL(close);
    if (fd >= 0 && fd < MAX_FDS) __atomic_store_n(&tracked[fd], 0, __ATOMIC_RELAXED);
    return real_close(fd);
}

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_write(fd, buf, n);
}
ssize_t writev(int fd, const struct iovec *iov, int n) {
    REAL(writev);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_writev(fd, iov, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_pwrite(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
    REAL(pwrite64);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_pwrite64(fd, buf, n, off);
}
int fsync(int fd) {
    REAL(fsync);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_fsync(fd);
}
int fdatasync(int fd) {
    REAL(fdatasync);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_fdatasync(fd);
}
int ftruncate(int fd, off_t len) {
    REAL(ftruncate);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_ftruncate(fd, len);
}
int ftruncate64(int fd, off64_t len) {
    REAL(ftruncate64);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_ftruncate64(fd, len);
}
int fallocate(int fd, int mode, off_t off, off_t len) {
    REAL(fallocate);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_fallocate(fd, mode, off, len);
}
int fallocate64(int fd, int mode, off64_t off, off64_t len) {
    REAL(fallocate64);
    if (is_tracked(fd) && fault_point()) return -1;
    return real_fallocate64(fd, mode, off, len);
}
int posix_fallocate(int fd, off_t off, off_t len) {
    REAL(posix_fallocate);
    if (is_tracked(fd) && fault_point()) return errno;
    return real_posix_fallocate(fd, off, len);
}
int posix_fallocate64(int fd, off64_t off, off64_t len) {
    REAL(posix_fallocate64);
    if (is_tracked(fd) && fault_point()) return errno;
    return real_posix_fallocate64(fd, off, len);
}

int rename(const char *from, const char *to) {
    REAL(rename);
    if ((under_dir(from) || under_dir(to)) && fault_point()) return -1;
    return real_rename(from, to);
}
int renameat(int fd1, const char *from, int fd2, const char *to) {
    REAL(renameat);
    if ((under_dir(from) || under_dir(to)) && fault_point()) return -1;
    return real_renameat(fd1, from, fd2, to);
}
int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    REAL(renameat2);
    if ((under_dir(from) || under_dir(to)) && fault_point()) return -1;
    return real_renameat2(fd1, from, fd2, to, flags);
}
/* A full disk still lets a file go (that is how space comes back): unlinks are fault points
 * for the other faults only. */
static int unlink_point(void) {
    return fault_errno != ENOSPC && fault_point();
}

int unlink(const char *path) {
    REAL(unlink);
    if (under_dir(path) && unlink_point()) return -1;
    return real_unlink(path);
}
int unlinkat(int dirfd, const char *path, int flags) {
    REAL(unlinkat);
    if (under_dir(path) && unlink_point()) return -1;
    return real_unlinkat(dirfd, path, flags);
}
int mkdir(const char *path, mode_t mode) {
    REAL(mkdir);
    if (under_dir(path) && fault_point()) return -1;
    return real_mkdir(path, mode);
}
