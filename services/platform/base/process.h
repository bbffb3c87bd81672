// What every process of the project does at start: InitProcess names the process in the logs
// and turns off Abseil's mutex deadlock detection, which Debian's Abseil leaves on and which
// costs every absl::Mutex (gRPC's internal locks included) a graph update on each lock and
// unlock; ReadFile reads its key files; ExitForFlags and ExitForStartup say why it cannot run.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::platform {

void InitProcess(absl::string_view name);

// Prints the flags' problem (or usage for --help) and answers the exit code: 0 or 2.
int ExitForFlags(const absl::Status& status);
// Logs why the service cannot start and answers exit code 1.
int ExitForStartup(const absl::Status& status);

// The whole content of `path`. Errors: NOT_FOUND.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace crm::platform
