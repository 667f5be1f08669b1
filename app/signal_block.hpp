#pragma once

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace pt {

/// Blocks SIGINT and SIGTERM for the calling thread and every thread it starts afterwards, so
/// that only `wait` takes them (sigtimedwait): a clean stop without signal handlers. Restores the
/// previous mask when destroyed. Create it before starting any thread.
class signal_block {
public:
  signal_block() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~signal_block() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  signal_block(const signal_block&) = delete;
  signal_block& operator=(const signal_block&) = delete;

  /// The signal received within `ms` milliseconds, or 0.
  int wait(int ms) const {
    timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
    int sig = sigtimedwait(&set_, nullptr, &ts);
    return sig > 0 ? sig : 0;
  }

private:
  sigset_t set_{};
  sigset_t old_{};
};

} // namespace pt
