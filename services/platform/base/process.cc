#include "platform/base/process.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "platform/base/log.h"

namespace crm::platform {

void InitProcess(absl::string_view name) {
  SetLogService(name);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

int ExitForFlags(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kFailedPrecondition) {  // --help
    std::fprintf(stdout, "%s", std::string(status.message()).c_str());
    return 0;
  }
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  return 2;
}

int ExitForStartup(const absl::Status& status) {
  LogError("cannot start", {{"error", status.ToString()}});
  return 1;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace crm::platform
