#include "harness/runner/syscall_count.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

const char *const pb_memory_syscall_names[PB_MEMORY_SYSCALLS] = {
    "mmap", "munmap", "mremap", "madvise", "brk"};

static volatile sig_atomic_t counting;
static volatile uint64_t counts[PB_MEMORY_SYSCALLS];

static void (*volatile before_release)(void);

void pb_syscall_count_enable(int on) { counting = on; }

void pb_syscall_before_release(void (*hook)(void)) { before_release = hook; }

void pb_syscall_counts(uint64_t out[PB_MEMORY_SYSCALLS]) {
  for (int k = 0; k < PB_MEMORY_SYSCALLS; k++) out[k] = counts[k];
}

#if defined(__x86_64__)

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

/* The one `syscall` instruction the filter lets through: the handler makes
 * the trapped call again from here. Arguments as the C calling convention
 * passes them (nr, then six), moved to where the kernel expects them. The
 * kernel reports the address after the instruction (syscall_return). */
long pb_syscall_gadget(long nr, long a1, long a2, long a3, long a4, long a5,
                       long a6) __attribute__((visibility("hidden")));
extern const char pb_syscall_return[] __attribute__((visibility("hidden")));
__asm__(
    ".text\n"
    ".globl pb_syscall_gadget\n"
    ".hidden pb_syscall_gadget\n"
    ".type pb_syscall_gadget, @function\n"
    "pb_syscall_gadget:\n"
    "  movq %rdi, %rax\n"
    "  movq %rsi, %rdi\n"
    "  movq %rdx, %rsi\n"
    "  movq %rcx, %rdx\n"
    "  movq %r8, %r10\n"
    "  movq %r9, %r8\n"
    "  movq 8(%rsp), %r9\n"
    "  syscall\n"
    ".globl pb_syscall_return\n"
    ".hidden pb_syscall_return\n"
    "pb_syscall_return:\n"
    "  ret\n"
    ".size pb_syscall_gadget, . - pb_syscall_gadget\n");

static int counted_index(int nr) {
  switch (nr) {
    case __NR_mmap:
      return PB_SYS_MMAP;
    case __NR_munmap:
      return PB_SYS_MUNMAP;
    case __NR_mremap:
      return PB_SYS_MREMAP;
    case __NR_madvise:
      return PB_SYS_MADVISE;
    case __NR_brk:
      return PB_SYS_BRK;
    default:
      return -1;
  }
}

/* Async-signal-safe: a counter, the call, its result. errno is the
 * interrupted code's business: the wrapper that trapped sets it from the
 * result, as it would have. */
static void on_sigsys(int sig, siginfo_t *info, void *context) {
  (void)sig;
  greg_t *r = ((ucontext_t *)context)->uc_mcontext.gregs;
  int k = counted_index(info->si_syscall);
  if (counting && k >= 0) counts[k]++;
  void (*hook)(void) = before_release;
  if (hook && k >= 0) hook();
  r[REG_RAX] = pb_syscall_gadget(info->si_syscall, r[REG_RDI], r[REG_RSI],
                                 r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9]);
}

/* Loads the 32-bit word at that offset of struct seccomp_data. */
#define LOAD(offset) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)
#define IP_LOW offsetof(struct seccomp_data, instruction_pointer)
#define IP_HIGH (IP_LOW + 4) /* little-endian */
#define RETURN(action) BPF_STMT(BPF_RET | BPF_K, action)

/* ThreadSanitizer's runtime blocks signals around some of its own memory
 * calls (starting a thread, say): one of those trapped would meet a
 * blocked SIGSYS, and the kernel kills the process. */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

int pb_syscall_count_install(char err[PB_SYSCALL_COUNT_ERROR_MAX]) {
#ifdef UNDER_TSAN
  snprintf(err, PB_SYSCALL_COUNT_ERROR_MAX,
           "cannot count system calls under ThreadSanitizer (it blocks "
           "signals around its own memory calls)");
  return -1;
#endif
  uint64_t gadget = (uint64_t)(uintptr_t)pb_syscall_return;
  uint32_t ip_low = (uint32_t)gadget, ip_high = (uint32_t)(gadget >> 32);
  struct sock_filter filter[] = {
      /* Another ABI (x32, i386): not ours to count. */
      LOAD(offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      RETURN(SECCOMP_RET_ALLOW),
      /* One of the counted calls? Each match jumps to the address check. */
      LOAD(offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 5, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_munmap, 4, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mremap, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_madvise, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_brk, 1, 0),
      RETURN(SECCOMP_RET_ALLOW),
      /* Made by the handler, from the gadget: let it through. */
      LOAD(IP_LOW),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip_low, 0, 3),
      LOAD(IP_HIGH),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip_high, 0, 1),
      RETURN(SECCOMP_RET_ALLOW),
      RETURN(SECCOMP_RET_TRAP),
  };
  struct sock_fprog program = {
      .len = (unsigned short)(sizeof filter / sizeof filter[0]),
      .filter = filter};

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_sigsys;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSYS, &action, NULL) != 0 ||
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    snprintf(err, PB_SYSCALL_COUNT_ERROR_MAX,
             "cannot count system calls: seccomp: %s", strerror(errno));
    return -1;
  }
  return 0;
}

#else

int pb_syscall_count_install(char err[PB_SYSCALL_COUNT_ERROR_MAX]) {
  snprintf(err, PB_SYSCALL_COUNT_ERROR_MAX,
           "cannot count system calls: only x86-64 Linux is supported");
  return -1;
}

#endif
