// crm-devbroker: a throwaway Kafka cluster for development and tests.
//
// The CRM services talk to Kafka, but a real broker (JVM, KRaft, disks) is heavy to start on a
// developer machine or in CI. librdkafka ships a mock cluster that speaks the real Kafka wire
// protocol on loopback sockets, so any client (librdkafka, kcat, ...) can use it unchanged. This
// program wraps it as a standalone process: it creates the CRM topics, prints the bootstrap list,
// optionally writes a ready-file for scripts to poll, and lets tests simulate a full broker outage
// with SIGUSR1 (all brokers down) and SIGUSR2 (all brokers up).
//
// Everything lives in memory and the mock keeps only about 5 MiB of record batches per partition,
// silently dropping the oldest ones (the log start offset moves), so this is for development
// only: old data can vanish under load and all of it is gone when the process exits.
//
// stdout carries exactly one machine-readable line (`bootstrap=host:port,...`); everything else
// is one-line JSON on stderr so that callers can parse stdout without filtering.

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace crm::devbroker {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr int kDefaultBrokers = 3;
constexpr int kDefaultPartitions = 6;
// Upper bounds only guard against typos (e.g. 3000 instead of 3); each mock broker is a listening
// socket plus bookkeeping, so there is no technical reason for a much larger cluster in dev.
constexpr int kMaxBrokers = 64;
constexpr int kMaxPartitions = 1024;
// Kafka's usual production replication factor; capped by the broker count below.
constexpr int kMaxReplicationFactor = 3;

constexpr const char* kTopics[] = {
    "crm.customers.v1", "crm.orders.v1",           "crm.aftersales.v1",
    "crm.analytics.v1", "crm.tracking.inbound.v1", "crm.notifications.v1",
};

constexpr std::string_view kUsage =
    "Usage: crm-devbroker [--brokers N] [--partitions N] [--ready-file PATH] [--help]\n"
    "\n"
    "Runs an in-memory Kafka mock cluster (librdkafka) on 127.0.0.1 with the CRM topics.\n"
    "\n"
    "  --brokers N        number of brokers, ids 1..N (default 3, env CRM_DEVBROKER_BROKERS)\n"
    "  --partitions N     partitions per CRM topic (default 6, env CRM_DEVBROKER_PARTITIONS)\n"
    "  --ready-file PATH  when ready, atomically write {\"bootstrap\",\"pid\",\"brokers\",\n"
    "                     \"partitions\"} as JSON to PATH (removed again on clean exit)\n"
    "  --help             print this help and exit\n"
    "\n"
    "stdout: one line `bootstrap=host:port,...`. stderr: one JSON object per line.\n"
    "Signals: SIGUSR1 = all brokers down, SIGUSR2 = all brokers up, SIGTERM/SIGINT = exit 0.\n"
    "Unknown topics are auto-created by the mock on metadata requests (4 partitions).\n";

// ---------------------------------------------------------------------------------------------
// JSON logging

std::string JsonEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 2);
  for (unsigned char c : in) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string JsonString(std::string_view s) { return "\"" + JsonEscape(s) + "\""; }

// A pre-rendered JSON member so callers can mix strings and numbers without a JSON library.
struct Field {
  std::string key;
  std::string json_value;
};

Field Str(std::string key, std::string_view value) { return {std::move(key), JsonString(value)}; }
Field Int(std::string key, long long value) { return {std::move(key), std::to_string(value)}; }

std::string Timestamp() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03ldZ", now.tv_nsec / 1000000L);
  return buf;
}

// librdkafka logs from its own threads, so lines must not interleave.
std::mutex g_log_mutex;

void Log(std::string_view level, std::string_view msg, const std::vector<Field>& fields = {}) {
  std::string line = "{\"ts\":" + JsonString(Timestamp()) + ",\"level\":" + JsonString(level) +
                     ",\"msg\":" + JsonString(msg);
  for (const Field& f : fields) line += "," + JsonString(f.key) + ":" + f.json_value;
  line += "}\n";
  std::lock_guard<std::mutex> lock(g_log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string_view SyslogLevelName(int level) {
  if (level <= 3) return "error";  // LOG_EMERG..LOG_ERR
  if (level == 4) return "warn";
  if (level <= 6) return "info";  // LOG_NOTICE, LOG_INFO
  return "debug";
}

// Routes librdkafka's own (rare) log lines through the same JSON format. It must not throw: it
// is called from C code on librdkafka threads.
void RdkafkaLogCallback(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  // The host handle deliberately has no bootstrap.servers (see CreateHostHandle); librdkafka's
  // warning about that would only mislead whoever reads the logs.
  if (std::strcmp(fac, "CONFWARN") == 0 && std::strstr(buf, "bootstrap.servers") != nullptr) {
    return;
  }
  try {
    Log(SyslogLevelName(level), buf, {Str("source", "librdkafka"), Str("facility", fac)});
  } catch (...) {
    // Losing a log line beats terminating the process from inside librdkafka.
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

struct Config {
  int brokers = kDefaultBrokers;
  int partitions = kDefaultPartitions;
  std::string ready_file;
  bool help = false;
};

// Usage errors are reported as plain text (not JSON): they are for a human at a terminal.
struct UsageError {
  std::string message;
};

std::optional<UsageError> ParseCount(std::string_view what, std::string_view text, int max,
                                     int* out) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1 || value > max) {
    return UsageError{std::string(what) + " must be an integer between 1 and " +
                      std::to_string(max) + ", got '" + std::string(text) + "'"};
  }
  *out = value;
  return std::nullopt;
}

// Environment first so that explicit flags win.
std::optional<UsageError> ApplyEnvironment(Config* config) {
  if (const char* v = std::getenv("CRM_DEVBROKER_BROKERS"); v != nullptr) {
    if (auto err = ParseCount("CRM_DEVBROKER_BROKERS", v, kMaxBrokers, &config->brokers)) {
      return err;
    }
  }
  if (const char* v = std::getenv("CRM_DEVBROKER_PARTITIONS"); v != nullptr) {
    if (auto err = ParseCount("CRM_DEVBROKER_PARTITIONS", v, kMaxPartitions, &config->partitions)) {
      return err;
    }
  }
  return std::nullopt;
}

// Splits "--name=value" / "--name value"; advances *index past a consumed separate value.
std::optional<UsageError> TakeValue(std::string_view arg, std::string_view name, int argc,
                                    char** argv, int* index, std::string_view* value) {
  if (arg.size() > name.size() && arg[name.size()] == '=') {
    *value = arg.substr(name.size() + 1);
    return std::nullopt;
  }
  if (*index + 1 >= argc) return UsageError{std::string(name) + " requires a value"};
  *value = argv[++*index];
  return std::nullopt;
}

bool FlagMatches(std::string_view arg, std::string_view name) {
  return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name &&
                         arg[name.size()] == '=');
}

std::optional<UsageError> ParseFlags(int argc, char** argv, Config* config) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string_view value;
    if (arg == "--help" || arg == "-h") {
      config->help = true;
    } else if (FlagMatches(arg, "--brokers")) {
      if (auto err = TakeValue(arg, "--brokers", argc, argv, &i, &value)) return err;
      if (auto err = ParseCount("--brokers", value, kMaxBrokers, &config->brokers)) return err;
    } else if (FlagMatches(arg, "--partitions")) {
      if (auto err = TakeValue(arg, "--partitions", argc, argv, &i, &value)) return err;
      if (auto err = ParseCount("--partitions", value, kMaxPartitions, &config->partitions)) {
        return err;
      }
    } else if (FlagMatches(arg, "--ready-file")) {
      if (auto err = TakeValue(arg, "--ready-file", argc, argv, &i, &value)) return err;
      if (value.empty()) return UsageError{"--ready-file must not be empty"};
      config->ready_file = std::string(value);
    } else {
      return UsageError{"unknown argument '" + std::string(arg) + "'"};
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Signals

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Must run before any rdkafka handle exists: threads inherit the mask, and a signal delivered to
// a librdkafka thread would otherwise kill the process (default action) instead of reaching
// sigwait() in main.
bool BlockHandledSignals() {
  const sigset_t set = HandledSignals();
  if (const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
    Log("error", "pthread_sigmask failed", {Str("error", std::strerror(rc))});
    return false;
  }
  // A caller that closes our stdout pipe early must not kill us with SIGPIPE on the bootstrap
  // line; the write error is reported instead.
  signal(SIGPIPE, SIG_IGN);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Mock cluster

struct Cluster {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mock = nullptr;
};

void DestroyCluster(Cluster* cluster) {
  // The mock cluster borrows rk, so it has to go first.
  if (cluster->mock != nullptr) rd_kafka_mock_cluster_destroy(cluster->mock);
  if (cluster->rk != nullptr) rd_kafka_destroy(cluster->rk);
  cluster->mock = nullptr;
  cluster->rk = nullptr;
}

// The handle only hosts the mock cluster (it owns the mock's thread and op queue); it never
// produces. No bootstrap.servers is set so it does not connect anywhere itself.
rd_kafka_t* CreateHostHandle() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, RdkafkaLogCallback);
  char errstr[512];
  if (rd_kafka_conf_set(conf, "client.id", "crm-devbroker", errstr, sizeof(errstr)) !=
      RD_KAFKA_CONF_OK) {
    Log("error", "rdkafka config rejected", {Str("error", errstr)});
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    // On failure rd_kafka_new() leaves conf with the caller.
    rd_kafka_conf_destroy(conf);
    Log("error", "rd_kafka_new failed", {Str("error", errstr)});
  }
  return rk;
}

bool CreateTopics(rd_kafka_mock_cluster_t* mock, int partitions, int replication_factor) {
  for (const char* topic : kTopics) {
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mock, topic, partitions, replication_factor);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Log("error", "topic create failed",
          {Str("topic", topic), Str("error", rd_kafka_err2str(err))});
      return false;
    }
    Log("info", "topic created",
        {Str("topic", topic), Int("partitions", partitions),
         Int("replication_factor", replication_factor)});
  }
  return true;
}

bool StartCluster(const Config& config, Cluster* cluster) {
  cluster->rk = CreateHostHandle();
  if (cluster->rk == nullptr) return false;
  // Listeners bind to 127.0.0.1 on ephemeral ports; broker ids are 1..brokers.
  cluster->mock = rd_kafka_mock_cluster_new(cluster->rk, config.brokers);
  if (cluster->mock == nullptr) {
    Log("error", "rd_kafka_mock_cluster_new failed", {Int("brokers", config.brokers)});
    return false;
  }
  const int replication_factor = std::min(kMaxReplicationFactor, config.brokers);
  return CreateTopics(cluster->mock, config.partitions, replication_factor);
}

// Applies to every broker so that clients see a whole-cluster outage, the case the services'
// retry and outbox logic has to survive. Returns false if any broker failed to switch.
bool SetAllBrokers(rd_kafka_mock_cluster_t* mock, int brokers, bool up) {
  bool ok = true;
  for (int32_t id = 1; id <= brokers; ++id) {
    const rd_kafka_resp_err_t err =
        up ? rd_kafka_mock_broker_set_up(mock, id) : rd_kafka_mock_broker_set_down(mock, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Log("error", up ? "broker up failed" : "broker down failed",
          {Int("broker", id), Str("error", rd_kafka_err2str(err))});
      ok = false;
    }
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Readiness

bool PrintBootstrap(const std::string& bootstrap) {
  const std::string line = "bootstrap=" + bootstrap + "\n";
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0) {
    Log("error", "writing bootstrap line to stdout failed", {Str("error", std::strerror(errno))});
    return false;
  }
  return true;
}

std::string ReadyJson(const Config& config, const std::string& bootstrap) {
  return "{\"bootstrap\":" + JsonString(bootstrap) + ",\"pid\":" + std::to_string(getpid()) +
         ",\"brokers\":" + std::to_string(config.brokers) +
         ",\"partitions\":" + std::to_string(config.partitions) + "}\n";
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Returns an error description, or nullopt on success. fsync before rename so that a crash can
// never leave an empty file under the final name.
std::optional<std::string> WriteFileDurably(const std::string& path, const std::string& data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::string("open: ") + std::strerror(errno);
  std::optional<std::string> error;
  if (!WriteAll(fd, data)) {
    error = std::string("write: ") + std::strerror(errno);
  } else if (fsync(fd) != 0) {
    error = std::string("fsync: ") + std::strerror(errno);
  }
  if (close(fd) != 0 && !error) error = std::string("close: ") + std::strerror(errno);
  return error;
}

// Write-then-rename so a poller never reads a half-written file; the temp file sits in the same
// directory so rename() stays atomic (same filesystem).
bool WriteReadyFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::optional<std::string> error = WriteFileDurably(tmp, contents);
  if (!error && std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = std::string("rename: ") + std::strerror(errno);
  }
  if (error) {
    Log("error", "ready-file write failed", {Str("path", path), Str("error", *error)});
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Main loop

std::string_view SignalName(int sig) {
  switch (sig) {
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "unknown";
  }
}

// Blocks until SIGTERM/SIGINT; toggles broker availability on SIGUSR1/SIGUSR2 in between.
void ServeSignals(const Config& config, rd_kafka_mock_cluster_t* mock) {
  const sigset_t set = HandledSignals();
  bool up = true;
  for (;;) {
    int sig = 0;
    if (const int rc = sigwait(&set, &sig); rc != 0) {
      Log("error", "sigwait failed", {Str("error", std::strerror(rc))});
      return;
    }
    if (sig == SIGTERM || sig == SIGINT) {
      Log("info", "shutting down", {Str("signal", SignalName(sig))});
      return;
    }
    const bool want_up = (sig == SIGUSR2);
    // Re-applying is harmless and lets a test "re-kick" the cluster without tracking state.
    const bool ok = SetAllBrokers(mock, config.brokers, want_up);
    Log(ok ? "info" : "error", want_up ? "brokers up" : "brokers down",
        {Str("signal", SignalName(sig)), Int("brokers", config.brokers),
         Str("previous", up ? "up" : "down")});
    up = want_up;
  }
}

int Run(int argc, char** argv) {
  Config config;
  std::optional<UsageError> usage_error = ApplyEnvironment(&config);
  if (!usage_error) usage_error = ParseFlags(argc, argv, &config);
  if (usage_error) {
    std::fprintf(stderr, "crm-devbroker: %s\n\n%.*s", usage_error->message.c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return kExitUsage;
  }
  if (config.help) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return kExitOk;
  }

  if (!BlockHandledSignals()) return kExitFailure;

  Cluster cluster;
  if (!StartCluster(config, &cluster)) {
    DestroyCluster(&cluster);
    return kExitFailure;
  }
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.mock);

  bool ready = PrintBootstrap(bootstrap);
  if (ready && !config.ready_file.empty()) {
    ready = WriteReadyFile(config.ready_file, ReadyJson(config, bootstrap));
  }
  if (!ready) {
    DestroyCluster(&cluster);
    return kExitFailure;
  }
  Log("info", "ready",
      {Str("bootstrap", bootstrap), Int("pid", getpid()), Int("brokers", config.brokers),
       Int("partitions", config.partitions), Str("ready_file", config.ready_file),
       Str("librdkafka", rd_kafka_version_str())});

  ServeSignals(config, cluster.mock);

  // A stale ready-file would point scripts at ports nobody listens on any more.
  if (!config.ready_file.empty()) std::remove(config.ready_file.c_str());
  DestroyCluster(&cluster);
  Log("info", "stopped");
  return kExitOk;
}

}  // namespace
}  // namespace crm::devbroker

int main(int argc, char** argv) {
  try {
    return crm::devbroker::Run(argc, argv);
  } catch (...) {
    // Only bad_alloc is realistic here; keep the report allocation-free.
    std::fputs("{\"level\":\"error\",\"msg\":\"unhandled exception\"}\n", stderr);
  }
  return crm::devbroker::kExitFailure;
}
