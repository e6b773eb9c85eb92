/* The floor the readers are measured against: the least work that still reads every counter.
 * Opens every path once, then for K rounds preads each file from offset 0 into one buffer and
 * converts every whitespace-separated token that starts with a digit with strtoull. Prints the
 * CPU (user + sys, getrusage) used per round, so the ratio to it shows what parsing and the
 * JS boundary add on top of the syscalls the kernel needs anyway.
 *
 * usage: floor PATHS_FILE|- ROUNDS     (one path a line; "-" reads the list from stdin)
 * output: files <n>\nrounds <k>\ncpu_us_per_round <x>\n
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define BUFFER_BYTES (64 * 1024) /* the readers' initial buffer; every v1 counter file fits */

static double cpu_us(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

/* One round over all fds; returns a checksum so that nothing can be optimised away. */
static uint64_t round_once(const int *fds, size_t count, char *buffer) {
  uint64_t sum = 0;
  for (size_t i = 0; i < count; i++) {
    ssize_t n;
    do n = pread(fds[i], buffer, BUFFER_BYTES - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) continue;
    buffer[n] = '\0'; /* strtoull needs a terminator; the readers need none */
    char *p = buffer;
    while (*p) {
      while (*p == ' ' || *p == '\t' || *p == '\n') p++;
      if (*p >= '0' && *p <= '9') {
        sum += strtoull(p, &p, 10);
      }
      while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
    }
  }
  return sum;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PATHS_FILE|- ROUNDS\n", argv[0]);
    return 2;
  }
  FILE *list = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
  if (list == NULL) {
    perror(argv[1]);
    return 1;
  }
  long rounds = strtol(argv[2], NULL, 10);
  size_t count = 0, capacity = 1024;
  int *fds = malloc(capacity * sizeof *fds);
  char *line = NULL;
  size_t line_capacity = 0;
  ssize_t length;
  while ((length = getline(&line, &line_capacity, list)) > 0) {
    if (line[length - 1] == '\n') line[--length] = '\0';
    if (length == 0) continue;
    int fd = open(line, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fprintf(stderr, "open %s: %s\n", line, strerror(errno));
      return 1;
    }
    if (count == capacity) fds = realloc(fds, (capacity *= 2) * sizeof *fds);
    fds[count++] = fd;
  }
  free(line);
  char *buffer = malloc(BUFFER_BYTES);
  volatile uint64_t sink = round_once(fds, count, buffer); /* warm-up: page in, fill caches */
  double start = cpu_us();
  for (long r = 0; r < rounds; r++) sink += round_once(fds, count, buffer);
  double used = cpu_us() - start;
  printf("files %zu\nrounds %ld\ncpu_us_per_round %.3f\n", count, rounds, used / (double)rounds);
  (void)sink;
  return 0;
}
