#include "web/api/metrics.hpp"

#include <sstream>
#include <tuple>

namespace pt {

namespace {

// Label values escape backslash, quote and newline (exposition format rules).
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

} // namespace

void api_metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[std::make_tuple(method, route, status)];
  for (size_t i = 0; i < bounds_s.size(); ++i)
    if (seconds <= bounds_s[i])
      ++buckets_[i];
  ++count_;
  sum_s_ += seconds;
}

std::string api_metrics::render(const platform_counts& counts) const {
  std::ostringstream os;
  os << "# HELP papertrader_sessions Sessions in the database, by status.\n"
     << "# TYPE papertrader_sessions gauge\n";
  for (auto& [status, n] : counts.sessions_by_status)
    os << "papertrader_sessions{status=\"" << label(status) << "\"} " << n << "\n";
  os << "# HELP papertrader_fills_total Simulated fills stored, all sessions.\n"
     << "# TYPE papertrader_fills_total counter\n"
     << "papertrader_fills_total " << counts.fills_total << "\n"
     << "# HELP papertrader_market_events_total Market events received by the broadcaster.\n"
     << "# TYPE papertrader_market_events_total counter\n"
     << "papertrader_market_events_total " << counts.market_events_total << "\n"
     << "# HELP papertrader_market_batches_total Market batches received by the broadcaster.\n"
     << "# TYPE papertrader_market_batches_total counter\n"
     << "papertrader_market_batches_total " << counts.market_batches_total << "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  os << "# HELP papertrader_http_requests_total HTTP requests answered, by method, route and status.\n"
     << "# TYPE papertrader_http_requests_total counter\n";
  for (auto& [key, n] : requests_)
    os << "papertrader_http_requests_total{method=\"" << label(std::get<0>(key)) << "\",route=\""
       << label(std::get<1>(key)) << "\",status=\"" << std::get<2>(key) << "\"} " << n << "\n";
  os << "# HELP papertrader_http_request_duration_seconds Time from request to answer.\n"
     << "# TYPE papertrader_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < bounds_s.size(); ++i)
    os << "papertrader_http_request_duration_seconds_bucket{le=\"" << bounds_s[i] << "\"} " << buckets_[i] << "\n";
  os << "papertrader_http_request_duration_seconds_bucket{le=\"+Inf\"} " << count_ << "\n"
     << "papertrader_http_request_duration_seconds_sum " << sum_s_ << "\n"
     << "papertrader_http_request_duration_seconds_count " << count_ << "\n";
  return os.str();
}

} // namespace pt
