// crm-devbroker: a throwaway Kafka cluster for development and tests.
//
// The CRM services talk to Kafka, but a real broker (JVM, KRaft, disks) is heavy to start on a
// developer machine or in CI. This process runs librdkafka's mock cluster
// (platform/events/mock_cluster.h, which speaks the real Kafka protocol on loopback) with the
// topics of every event type compiled into crm_protos (their (crm.events.v1.topic) option:
// platform/events/topics.h), prints the bootstrap list, writes a ready file for scripts to poll,
// and lets tests simulate a whole-cluster outage: SIGUSR1 takes every broker down, SIGUSR2 brings
// them up. SIGTERM or SIGINT stops it (exit 0). Everything is in memory; see mock_cluster.h for
// what the mock keeps.
//
// stdout carries exactly one machine-readable line (`bootstrap=host:port,...`); the log is the
// platform's one-line JSON on stderr, so callers can parse stdout without filtering.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/base/flags.h"
#include "platform/base/log.h"
#include "platform/base/process.h"
#include "platform/base/ready_file.h"
#include "platform/base/signals.h"
#include "platform/events/mock_cluster.h"
#include "platform/events/topics.h"

using namespace crm;

namespace {

// Kafka's usual production replication factor; capped by the broker count.
constexpr int kMaxReplicationFactor = 3;

// Up and down toggle the brokers; terminate stops the process.
const std::vector<int>& HandledSignals() {
  static const std::vector<int> kSignals = {SIGUSR1, SIGUSR2, SIGTERM, SIGINT};
  return kSignals;
}

const char* SignalName(int signal) {
  switch (signal) {
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
  }
  return "unknown";
}

bool PrintBootstrap(const std::string& bootstrap) {
  const std::string line = absl::StrCat("bootstrap=", bootstrap, "\n");
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
         std::fflush(stdout) == 0;
}

// Toggles the brokers on SIGUSR1 / SIGUSR2 until SIGTERM or SIGINT.
void ServeSignals(platform::MockCluster& cluster) {
  bool up = true;
  for (;;) {
    int signal = platform::AwaitSignal(HandledSignals());
    if (signal != SIGUSR1 && signal != SIGUSR2) {
      platform::LogInfo("shutting down", {{"signal", SignalName(signal)}});
      return;
    }
    const bool want_up = signal == SIGUSR2;
    // Re-applying is harmless and lets a test "re-kick" the cluster without tracking state.
    absl::Status switched = cluster.SetAllBrokersUp(want_up);
    platform::LogFields fields = {{"signal", SignalName(signal)},
                                  {"brokers", absl::StrCat(cluster.brokers())},
                                  {"previous", up ? "up" : "down"}};
    if (switched.ok()) {
      platform::LogInfo(want_up ? "brokers up" : "brokers down", fields);
    } else {
      fields.push_back({"error", switched.ToString()});
      platform::LogError(want_up ? "brokers up" : "brokers down", fields);
    }
    up = want_up;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Before any librdkafka thread exists: threads inherit the mask, and a signal delivered to one
  // of them would otherwise kill the process instead of reaching AwaitSignal.
  platform::BlockSignals(HandledSignals());
  // A caller that closes our stdout early must not kill us on the bootstrap line.
  ::signal(SIGPIPE, SIG_IGN);
  platform::InitProcess("devbroker");
  platform::Flags flags("devbroker", argc, argv);
  // Upper bounds only catch typos (3000 for 3); each mock broker is a socket and bookkeeping.
  const int brokers = static_cast<int>(flags.Int("brokers", 3, "brokers, ids 1..N", 1, 64));
  const int partitions =
      static_cast<int>(flags.Int("partitions", 6, "partitions of each event topic", 1, 1024));
  const std::string ready_file = flags.String(
      "ready-file", "",
      "when ready, write {bootstrap, pid, brokers, partitions} as JSON there (removed again on "
      "a clean exit)");
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);

  auto cluster = platform::MockCluster::Start({.brokers = brokers});
  if (!cluster.ok()) return platform::ExitForStartup(cluster.status());
  const int replication_factor = std::min(kMaxReplicationFactor, brokers);
  const std::vector<std::string> topics = platform::EventTopics();
  for (const std::string& topic : topics) {
    if (absl::Status s = (*cluster)->CreateTopic(topic, partitions, replication_factor); !s.ok()) {
      return platform::ExitForStartup(s);
    }
  }
  const std::string& bootstrap = (*cluster)->bootstrap();
  if (!PrintBootstrap(bootstrap)) {
    return platform::ExitForStartup(absl::UnavailableError("cannot write the bootstrap line"));
  }
  if (!ready_file.empty()) {
    absl::Status written =
        platform::WriteReadyFile(ready_file, {{"bootstrap", bootstrap},
                                              {"pid", absl::StrCat(getpid())},
                                              {"brokers", absl::StrCat(brokers)},
                                              {"partitions", absl::StrCat(partitions)}});
    if (!written.ok()) return platform::ExitForStartup(written);
  }
  platform::LogInfo("ready", {{"bootstrap", bootstrap},
                              {"brokers", absl::StrCat(brokers)},
                              {"partitions", absl::StrCat(partitions)},
                              {"replicationFactor", absl::StrCat(replication_factor)},
                              {"topics", absl::StrJoin(topics, ",")},
                              {"readyFile", ready_file}});

  ServeSignals(**cluster);

  // A stale ready file would point scripts at ports nobody listens on any more.
  if (!ready_file.empty()) std::remove(ready_file.c_str());
  cluster->reset();
  platform::LogInfo("stopped");
  return 0;
}
