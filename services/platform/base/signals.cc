#include "platform/base/signals.h"

#include <pthread.h>
#include <signal.h>

namespace crm::platform {
namespace {

sigset_t SetOf(const std::vector<int>& signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : signals) sigaddset(&set, signal);
  return set;
}

}  // namespace

void BlockSignals(const std::vector<int>& signals) {
  sigset_t set = SetOf(signals);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int AwaitSignal(const std::vector<int>& signals) {
  sigset_t set = SetOf(signals);
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

void BlockTerminationSignals() { BlockSignals({SIGTERM, SIGINT}); }

int AwaitTerminationSignal() { return AwaitSignal({SIGTERM, SIGINT}); }

}  // namespace crm::platform
