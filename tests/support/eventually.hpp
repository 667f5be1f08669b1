#pragma once

// Waiting for state that announces nothing (another process's HTTP answers, a client's health
// counters): the condition is checked every `poll` until it holds or `timeout` passes. Where an
// event exists (a child's output, an actor's message), wait on that instead.

#include <chrono>
#include <functional>
#include <thread>

namespace pt::test {

/// True as soon as `done()` holds; false when `timeout` passes first. Checks every `poll`.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

} // namespace pt::test
