#include "testing/run_program.h"

#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing/check.h"

extern char **environ;

typedef struct capture {
  int fd;
  char *data;
  size_t len;
} capture;

/* Reads what is ready on c->fd; 0 at end of file. */
static int read_some(capture *c) {
  char chunk[65536];
  ssize_t n = read(c->fd, chunk, sizeof chunk);
  if (n <= 0) return 0;
  c->data = realloc(c->data, c->len + (size_t)n + 1);
  PB_CHECK(c->data != NULL);
  memcpy(c->data + c->len, chunk, (size_t)n);
  c->len += (size_t)n;
  c->data[c->len] = '\0';
  return 1;
}

pb_program_output pb_run_program(const char *const *argv) {
  int out[2], err[2];
  PB_CHECK(pipe(out) == 0 && pipe(err) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  pid_t pid;
  PB_CHECKF(posix_spawn(&pid, argv[0], &actions, NULL, (char *const *)argv,
                        environ) == 0,
            "cannot start %s", argv[0]);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  capture c[2] = {{out[0], calloc(1, 1), 0}, {err[0], calloc(1, 1), 0}};
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  for (int open_fds = 2; open_fds > 0;) {
    PB_CHECK(poll(fds, 2, -1) > 0);
    for (int k = 0; k < 2; k++)
      if (fds[k].fd >= 0 && fds[k].revents && !read_some(&c[k])) {
        close(fds[k].fd);
        fds[k].fd = -1;
        open_fds--;
      }
  }
  int status;
  PB_CHECK(waitpid(pid, &status, 0) == pid);
  return (pb_program_output){
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
      c[0].data, c[1].data};
}

void pb_program_output_free(pb_program_output *o) {
  free(o->out);
  free(o->err);
  o->out = o->err = NULL;
}

char *pb_read_output_file(const char *path) {
  FILE *f = fopen(path, "rb");
  PB_CHECKF(f != NULL, "%s was not written", path);
  PB_CHECK(fseek(f, 0, SEEK_END) == 0);
  long len = ftell(f);
  PB_CHECK(len >= 0 && fseek(f, 0, SEEK_SET) == 0);
  char *text = malloc((size_t)len + 1);
  PB_CHECK(text != NULL && fread(text, 1, (size_t)len, f) == (size_t)len);
  text[len] = '\0';
  fclose(f);
  return text;
}
