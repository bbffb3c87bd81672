// One-line JSON logs on stderr, one object per line, so any collector can parse them:
//
//   {"ts":"2026-11-22T17:00:00.123Z","level":"info","service":"customers",
//    "msg":"customer registered","requestId":"4f1c...","customerId":"c_..."}
//
//   platform::LogInfo("customer registered", {{"requestId", rid}, {"customerId", id}});
//
// Thread-safe: each line is written with one write(2).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::platform {

using LogFields = std::vector<std::pair<absl::string_view, std::string>>;

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Names the process in every line; call once at start (default "crm").
void SetLogService(absl::string_view service);
// Lines below `level` are dropped (default kInfo).
void SetLogLevel(LogLevel level);
// Parses "debug", "info", "warning", "error"; false if unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});
inline void LogInfo(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(absl::string_view m, const LogFields& f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace crm::platform
