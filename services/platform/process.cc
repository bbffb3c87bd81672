#include "process.h"

#include <sodium.h>

#include "absl/synchronization/mutex.h"
#include "log.h"

namespace crm::platform {

void InitProcess(absl::string_view name) {
  SetLogService(name);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (sodium_init() < 0) LogError("libsodium cannot initialise", {});
}

}  // namespace crm::platform
