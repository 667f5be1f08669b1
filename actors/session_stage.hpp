#pragma once

// What the four actors of a session's pipeline share (DESIGN decision 2):
//   indicator_engine → signal_detector → paper_executor → position_tracker
// Market data enters once, at the indicator engine; each stage adds its output to the
// `session_batch` (actors/messages.hpp) and forwards it. Each stage links to the next, so a
// failure in any stage ends the whole session (and only that session); the supervisor monitors
// the tracker. Each actor has its own file, named after it. Each is a typed actor (its handle,
// e.g. `indicator_engine_actor`, in actors/handles.hpp) whose `next` is the next stage's handle:
// a stage can only forward what the next one takes.

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "core/session/session_types.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// Compiles the session's strategy for a pipeline stage `self`; when it does not compile, logs
/// every rule error and ends the actor with `sec::invalid_argument` (and through its links, the
/// session), returning nullopt.
template <class Self>
std::optional<compiled_strategy> compile_or_quit(Self* self, const session_config& cfg) {
  std::vector<strategy_rule_error> errors;
  auto compiled = compile_strategy(cfg.strategy, errors);
  if (compiled)
    return compiled;
  std::string all;
  for (auto& e : errors)
    all += (all.empty() ? "" : "; ") + e.rule + " rule, column " + std::to_string(e.error.offset + 1) + ": " +
           e.error.message;
  spdlog::error("session {} ({}): strategy does not compile: {}", cfg.session_id, cfg.name, all);
  self->quit(caf::make_error(caf::sec::invalid_argument, all));
  return std::nullopt;
}

/// Makes a handler of `self` that throws end the actor (and through its links the session) with
/// `sec::runtime_error` whose text keeps the exception's, so the failure says what went wrong,
/// not just "runtime_error".
template <class Self>
void keep_exception_text(Self* self) {
  self->set_exception_handler([](std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string("exception: ") + e.what());
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, "an exception of unknown type");
    }
  });
}

} // namespace pt
