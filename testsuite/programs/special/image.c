/* A program with 2 MiB of initialized data: prints the data's checksum
   and then the process's own memory map, read through a grant of
   /proc/self as /self. kiln maps the data as a copy-on-write image of the
   executable file, so a private writable mapping of the executable of at
   least 2 MiB must be in the map. Writes must land in memory only. */
#include <stdio.h>
#include <string.h>

#define SIZE (2 << 20)
static unsigned char table[SIZE] = {1, 2, 3};
static const char tail[] = "the end of the data";

int main(void) {
    for (int i = 3; i < SIZE; i++)
        if (table[i] != 0) return 2;
    unsigned long sum = 0;
    for (int i = 0; i < 3; i++) sum += table[i];
    table[SIZE - 1] = 7; /* copy-on-write: never reaches the file */
    printf("sum %lu %u %s\n", sum + table[SIZE - 1], table[SIZE - 1], tail);
    FILE *maps = fopen("/self/maps", "r");
    if (!maps) return 3;
    char line[512];
    while (fgets(line, sizeof line, maps)) fputs(line, stdout);
    fclose(maps);
    return 0;
}
