// The WASI preview1 calls that benchmark programs make, for wasm2c's
// output (wabt 1.0.32 naming): wasm2c ships no WASI. Compiled with the
// module's generated `prog.h`; kiln-bench generates ENOSYS stubs for every
// other import the module names.
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "prog.h"

struct Z_wasi_snapshot_preview1_instance_t {
  wasm_rt_memory_t *memory;
  int argc;
  char **argv;
};
typedef struct Z_wasi_snapshot_preview1_instance_t wasi_t;

enum { OK = 0, BADF = 8, INVAL = 28, IO = 29, SPIPE = 70 };

// Linear memory accessors, bounds-checked: a bad pointer is EINVAL, never
// a host fault.
static uint8_t *at(wasi_t *w, u32 ptr, u32 len) {
  if ((uint64_t)ptr + len > w->memory->size) return NULL;
  return w->memory->data + ptr;
}
static int put32(wasi_t *w, u32 ptr, u32 v) {
  uint8_t *p = at(w, ptr, 4);
  if (!p) return 0;
  memcpy(p, &v, 4);
  return 1;
}
static int put64(wasi_t *w, u32 ptr, uint64_t v) {
  uint8_t *p = at(w, ptr, 8);
  if (!p) return 0;
  memcpy(p, &v, 8);
  return 1;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(wasi_t *w, u32 count, u32 size) {
  u32 bytes = 0;
  for (int i = 0; i < w->argc; i++) bytes += strlen(w->argv[i]) + 1;
  return put32(w, count, w->argc) && put32(w, size, bytes) ? OK : INVAL;
}

u32 Z_wasi_snapshot_preview1Z_args_get(wasi_t *w, u32 argv, u32 buf) {
  for (int i = 0; i < w->argc; i++) {
    u32 n = strlen(w->argv[i]) + 1;
    uint8_t *dst = at(w, buf, n);
    if (!dst || !put32(w, argv + 4 * i, buf)) return INVAL;
    memcpy(dst, w->argv[i], n);
    buf += n;
  }
  return OK;
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_t *w, u32 count, u32 size) {
  return put32(w, count, 0) && put32(w, size, 0) ? OK : INVAL;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(wasi_t *w, u32 environ, u32 buf) {
  (void)w, (void)environ, (void)buf;
  return OK;
}

static u32 io(wasi_t *w, u32 fd, u32 iovs, u32 count, u32 done, int writing) {
  if (fd > 2) return BADF;
  u32 total = 0;
  for (u32 i = 0; i < count; i++) {
    uint8_t *iov = at(w, iovs + 8 * i, 8);
    if (!iov) return INVAL;
    u32 ptr, len;
    memcpy(&ptr, iov, 4);
    memcpy(&len, iov + 4, 4);
    uint8_t *buf = at(w, ptr, len);
    if (!buf) return INVAL;
    ssize_t n = writing ? write(fd, buf, len) : read(fd, buf, len);
    if (n < 0) return IO;
    total += n;
    if ((u32)n < len) break;
  }
  return put32(w, done, total) ? OK : INVAL;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(wasi_t *w, u32 fd, u32 iovs, u32 count, u32 written) {
  return io(w, fd, iovs, count, written, 1);
}

u32 Z_wasi_snapshot_preview1Z_fd_read(wasi_t *w, u32 fd, u32 iovs, u32 count, u32 got) {
  return io(w, fd, iovs, count, got, 0);
}

u32 Z_wasi_snapshot_preview1Z_fd_close(wasi_t *w, u32 fd) {
  (void)w;
  return fd > 2 ? BADF : OK;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(wasi_t *w, u32 fd, u64 offset, u32 whence, u32 result) {
  (void)w, (void)offset, (void)whence, (void)result;
  return fd > 2 ? BADF : SPIPE;
}

// stdin, stdout and stderr: a character device if a terminal (so that
// wasi-libc line-buffers like glibc does), else a stream without seeking.
u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_t *w, u32 fd, u32 out) {
  if (fd > 2) return BADF;
  uint8_t *p = at(w, out, 24);
  if (!p) return INVAL;
  memset(p, 0, 24);
  p[0] = isatty(fd) ? 2 /* character device */ : 6 /* socket stream */;
  uint64_t rights = fd == 0 ? 1u << 1 /* read */ : 1u << 6 /* write */;
  memcpy(p + 8, &rights, 8);
  return OK;
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_t *w, u32 fd, u32 out) {
  (void)w, (void)fd, (void)out;
  return BADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_t *w, u32 fd, u32 path, u32 len) {
  (void)w, (void)fd, (void)path, (void)len;
  return BADF;
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(wasi_t *w, u32 id, u64 precision, u32 out) {
  (void)precision;
  static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
  struct timespec ts;
  if (id > 3 || clock_gettime(clocks[id], &ts)) return INVAL;
  return put64(w, out, (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec) ? OK : INVAL;
}

u32 Z_wasi_snapshot_preview1Z_random_get(wasi_t *w, u32 buf, u32 len) {
  uint8_t *p = at(w, buf, len);
  if (!p) return INVAL;
  for (u32 done = 0; done < len;) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) return IO;
    done += n;
  }
  return OK;
}

u32 Z_wasi_snapshot_preview1Z_sched_yield(wasi_t *w) {
  (void)w;
  return OK;
}

void Z_wasi_snapshot_preview1Z_proc_exit(wasi_t *w, u32 code) {
  (void)w;
  fflush(stdout);
  exit((int)code);
}

// Declared by wabt's wasm-rt-impl.h, which Debian does not ship: where a
// trap jumps back to.
extern jmp_buf wasm_rt_jmp_buf;

int main(int argc, char **argv) {
  static Z_prog_instance_t instance;
  wasi_t wasi = {NULL, argc, argv};
  wasm_rt_init();
  Z_prog_init_module();
  Z_prog_instantiate(&instance, &wasi);
  wasi.memory = Z_progZ_memory(&instance);
  int trap = WASM_RT_SETJMP(wasm_rt_jmp_buf);
  if (trap) {
    fprintf(stderr, "wasm trap: %s\n", wasm_rt_strerror(trap));
    return 134;
  }
  Z_progZ__start(&instance);
  return 0;
}
