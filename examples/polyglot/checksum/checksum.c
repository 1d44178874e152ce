// The C part: exports `kiln:polyglot/checksum`, written against the
// Canonical ABI by hand (no libc, no generator): `adler32` takes the list
// as a pointer and a length in this module's memory, which the caller
// fills through `cabi_realloc`.

#include <stddef.h>
#include <stdint.h>

// A bump allocator over the memory past the data: nothing is freed, and
// a call's arguments are small.
extern unsigned char __heap_base;
static uintptr_t next = (uintptr_t)&__heap_base;

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
    uintptr_t at = (next + align - 1) & ~(uintptr_t)(align - 1);
    uintptr_t end = at + new_size;
    size_t have = __builtin_wasm_memory_size(0) * 65536;
    if (end > have) {
        size_t pages = (end - have + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) {
            __builtin_trap();
        }
    }
    unsigned char *p = (unsigned char *)at;
    for (size_t i = 0; old && i < old_size && i < new_size; i++) {
        p[i] = ((unsigned char *)old)[i];
    }
    next = end;
    return p;
}

__attribute__((export_name("kiln:polyglot/checksum#adler32")))
uint32_t adler32(const unsigned char *data, size_t len) {
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < len; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}
